package io.lakebase.jdbc;

import java.time.Duration;
import java.util.Optional;

/**
 * What logs in to Lakebase for a pool (a JDBC login data source, an R2DBC connection factory):
 * where it connects, the credential it logs in with, and how its latest login ended. Each owns its
 * outcome; a {@link LakebaseHealthCheck} reads it and nothing writes it back.
 *
 * @since 0.1.0
 */
public interface LakebaseLogins {

	/**
	 * Returns where logins go.
	 * @return the resolver of the connection
	 */
	LakebaseResolver resolver();

	/**
	 * Returns the credentials logins use.
	 * @return the credential cache
	 */
	LakebaseCredentialCache credentials();

	/**
	 * Returns how the latest login ended.
	 * @return the outcome, once there was a login
	 */
	Optional<LakebaseLoginOutcome> lastLogin();

	/**
	 * Logs in once and closes the connection at once, for a health check that has no recent login
	 * to rest on. The outcome is recorded as any login's.
	 * @param timeout how long the login may take
	 * @throws Exception when the login fails
	 */
	void probe(Duration timeout) throws Exception;

}
