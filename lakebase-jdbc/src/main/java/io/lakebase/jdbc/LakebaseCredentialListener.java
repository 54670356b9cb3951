package io.lakebase.jdbc;

import java.time.Duration;

/**
 * Told about every call a {@link LakebaseCredentialCache} makes to the credential API, once, when
 * the call ends: for metrics. Called on the cache's own threads after waiting callers have their
 * answer; a listener that throws is logged and ignored.
 *
 * @since 0.1.0
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
	 * Called after an attempt to obtain a usable credential failed.
	 * @param failure what went wrong
	 * @param took how long the attempt took
	 */
	default void fetchFailed(Throwable failure, Duration took) {
	}

}
