package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConnectionSettings;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where Lakebase is and how to connect to it: the endpoint or instance, and the host, port,
 * database, role, TLS and schema settings. Whole on its own: the starter reads nothing else to
 * connect. The password is not part of it: it is a short-lived credential obtained at each login.
 */
public interface LakebaseConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the connection settings, validated.
	 * @return the settings
	 */
	LakebaseConnectionSettings getSettings();

}
