package io.lakebase.local;

/**
 * The real PostgreSQL server behind the login front: embedded, or in a Testcontainers container.
 * Roles of identities log in only with an internal password that only the front knows, so that
 * clients must come through the front.
 */
interface DatabaseServer extends AutoCloseable {

	/**
	 * Returns the host the front reaches the server at.
	 * @return the host
	 */
	String host();

	/**
	 * Returns the port the front reaches the server at (it may change across a restart).
	 * @return the port
	 */
	int port();

	/**
	 * Returns the password every identity's role has, known only to the front.
	 * @return the password
	 */
	String internalPassword();

	/**
	 * Creates the Postgres role of an identity, as {@code databricks_create_role} does on Lakebase.
	 * @param name the role name
	 */
	void createRole(String name);

	/**
	 * Restarts the server, closing every connection; data is kept.
	 */
	void restart();

}
