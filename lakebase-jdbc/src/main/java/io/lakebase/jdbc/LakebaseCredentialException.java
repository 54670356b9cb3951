package io.lakebase.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no usable database credential can be had: the credential API failed or did not
 * answer in time, and no cached credential is valid beyond its safety margin.
 *
 * @since 0.1.0
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
