package io.lakebase.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * One resolved description of a Lakebase connection: the settings, and the host and role that
 * were configured or discovered. It holds no secret: the password is a short-lived credential
 * obtained at each login.
 *
 * @param settings the settings it was resolved from
 * @param host the database host (a pooled host only when the settings ask for the pooler)
 * @param username the Postgres role to log in as
 * @since 0.1.0
 */
public record LakebaseConnectionInfo(LakebaseConnectionSettings settings, String host, String username) {

	/**
	 * The PgJDBC SSL socket factory of {@code verify-ca} and {@code verify-full} without
	 * {@code ssl.root-cert}: the JVM's default, which trusts the JVM's trust store.
	 * @since 0.1.0
	 */
	public static final String JVM_TRUST_STORE_SSL_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

	/** The host of a provisional JDBC URL while the real one is not looked up yet (an unresolvable name). */
	public static final String UNDISCOVERED_HOST = "host-discovered-at-first-connection.invalid";

	public LakebaseConnectionInfo {
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(username, "username");
	}

	/**
	 * Returns the endpoint or instance.
	 * @return the target
	 */
	public LakebaseTarget target() {
		return this.settings.target();
	}

	/**
	 * Returns the port.
	 * @return the port
	 */
	public int port() {
		return this.settings.port();
	}

	/**
	 * Returns the database name.
	 * @return the database
	 */
	public String database() {
		return this.settings.database();
	}

	/**
	 * Returns the PgJDBC URL of this connection: host, port, database, TLS and schema, with neither
	 * user nor password.
	 * @return the JDBC URL
	 */
	public String jdbcUrl() {
		return jdbcUrl(this.settings, this.host);
	}

	/**
	 * Returns the JDBC URL of settings not resolved yet, for pools and diagnostics that want one
	 * before the first connection: with the configured host, else with {@link #UNDISCOVERED_HOST}.
	 * @param settings the settings
	 * @return the provisional JDBC URL, without user or password
	 */
	public static String provisionalJdbcUrl(LakebaseConnectionSettings settings) {
		String host = settings.host();
		return jdbcUrl(settings, (host != null) ? host : UNDISCOVERED_HOST);
	}

	static String jdbcUrl(LakebaseConnectionSettings settings, String host) {
		Map<String, @Nullable String> parameters = new LinkedHashMap<>();
		SslMode sslMode = settings.effectiveSslMode();
		parameters.put("sslmode", sslMode.jdbcValue());
		parameters.put("sslrootcert", settings.sslRootCert());
		if (sslMode.verifiesServer() && settings.sslRootCert() == null) {
			// Without a CA file, trust what the JVM trusts (its trust store: public CAs, or
			// javax.net.ssl.trustStore), rather than PgJDBC's default of ~/.postgresql/root.crt.
			parameters.put("sslfactory", JVM_TRUST_STORE_SSL_FACTORY);
		}
		parameters.put("sslcert", settings.sslCert());
		parameters.put("sslkey", settings.sslKey());
		parameters.put("currentSchema", settings.schema());
		// A transaction-mode pooler runs each transaction on any server session: a statement
		// prepared on one is unknown on the next. In the URL, so that no driver property wins.
		parameters.put("prepareThreshold", settings.pooled() ? "0" : null);
		String query = parameters.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() != null)
			.map((entry) -> entry.getKey() + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
		// An IPv6 literal must be bracketed in a JDBC URL.
		String urlHost = (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
		return "jdbc:postgresql://" + urlHost + ":" + settings.port() + "/" + encode(settings.database()) + "?" + query;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
