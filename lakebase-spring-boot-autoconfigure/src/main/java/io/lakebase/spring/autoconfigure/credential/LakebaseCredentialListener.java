package io.lakebase.spring.autoconfigure.credential;

import java.time.Duration;

/**
 * Told about every credential fetch of a {@link LakebaseCredentialCache}, for metrics. Called on
 * the refresh thread: implementations must be quick and must not throw.
 */
public interface LakebaseCredentialListener {

	/**
	 * Called after a credential was obtained.
	 * @param credential the new credential
	 * @param took how long the API call took
	 */
	default void fetched(LakebaseCredential credential, Duration took) {
	}

	/**
	 * Called after an attempt to obtain a credential failed.
	 * @param failure what went wrong
	 * @param took how long the attempt took
	 */
	default void fetchFailed(Throwable failure, Duration took) {
	}

}
