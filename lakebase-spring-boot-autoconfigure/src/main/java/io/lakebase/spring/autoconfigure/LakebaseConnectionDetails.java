package io.lakebase.spring.autoconfigure;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the Lakebase database is and who to log in as. The password is not part of it: it is a
 * short-lived credential from the {@code LakebaseCredentialCache}.
 */
public interface LakebaseConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the endpoint or instance connected to.
	 * @return the target
	 */
	LakebaseTarget getTarget();

	/**
	 * Returns the database host (never a pooled host: those refuse OAuth roles).
	 * @return the host
	 */
	String getHost();

	/**
	 * Returns the database port.
	 * @return the port
	 */
	int getPort();

	/**
	 * Returns the database name.
	 * @return the database
	 */
	String getDatabase();

	/**
	 * Returns the Postgres role to log in as.
	 * @return the user name
	 */
	String getUsername();

}
