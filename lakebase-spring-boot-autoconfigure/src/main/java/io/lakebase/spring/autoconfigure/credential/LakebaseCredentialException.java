package io.lakebase.spring.autoconfigure.credential;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no valid database credential can be had: the credential API failed and the cached
 * credential, if any, is about to expire.
 */
public class LakebaseCredentialException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what failed, never holding a secret
	 * @param cause the API failure, or {@code null}
	 */
	public LakebaseCredentialException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
