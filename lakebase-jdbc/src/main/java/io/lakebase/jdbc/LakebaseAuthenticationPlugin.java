package io.lakebase.jdbc;

import java.util.Optional;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * A PgJDBC authentication plugin whose password is the Lakebase database credential, for tools that
 * take only a JDBC URL and properties (Flyway and Liquibase command lines, DBeaver, IntelliJ,
 * Spark, Kafka Connect):
 *
 * <pre class="code">
 * jdbc:postgresql://&lt;host&gt;/databricks_postgres?sslmode=verify-full
 *     &amp;sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&amp;user=&lt;role&gt;
 *     &amp;authenticationPluginClassName=io.lakebase.jdbc.LakebaseAuthenticationPlugin
 *     &amp;lakebaseEndpoint=projects/&lt;p&gt;/branches/&lt;b&gt;/endpoints/&lt;e&gt;
 * </pre>
 *
 * The target is {@value #ENDPOINT}, {@value #INSTANCE}, or {@value #PROJECT} with {@value #BRANCH};
 * the workspace and its authentication come from the Databricks SDK's usual chain
 * ({@code DATABRICKS_*} variables, then {@code ~/.databrickscfg}), narrowed by {@value #HOST},
 * {@value #PROFILE}, {@value #CONFIG_FILE}, {@value #AUTH_TYPE} and {@value #CLIENT_ID}. Secrets (a
 * client secret, a token) are refused as URL parameters or connection properties: tools and pools
 * show and log both (HikariCP's DEBUG configuration dump masks only {@code password}); they come
 * from the environment or a profile.
 * <p>
 * PgJDBC creates a plugin for every login: every connection and pool of the JVM with the same
 * target and workspace identity shares one credential cache (one API call per credential
 * lifetime, refreshed ahead of expiry), bounded in number and closed at shutdown. The credential
 * is handed only to a TLS connection that verifies the server ({@code verify-full}, or
 * {@code verify-ca} with the CA file in {@code sslrootcert}), or, with a warning, to
 * {@code sslmode=require}: a mode that may fall back to plaintext, such as PgJDBC's default
 * {@code prefer}, a non-validating SSL factory and a host name verifier of the tool's own are
 * refused for any host but a loopback address. The plugin cannot see the server's answer, so a
 * credential Lakebase revokes before it expires is replaced only at its refresh;
 * {@link LakebaseLoginDataSource} replaces it at once.
 *
 * @since 0.1.0
 */
public final class LakebaseAuthenticationPlugin implements AuthenticationPlugin {

	/** The Autoscaling endpoint, {@code projects/<p>/branches/<b>/endpoints/<e>}. */
	public static final String ENDPOINT = "lakebaseEndpoint";

	/** The Provisioned database instance's name. */
	public static final String INSTANCE = "lakebaseInstance";

	/** The Autoscaling project's id, with {@link #BRANCH}. */
	public static final String PROJECT = "lakebaseProject";

	/** The branch's id, with {@link #PROJECT}: its read-write endpoint is looked up. */
	public static final String BRANCH = "lakebaseBranch";

	/** The workspace URL ({@code https://...}); else the SDK's chain. */
	public static final String HOST = "databricksHost";

	/** The {@code ~/.databrickscfg} profile. */
	public static final String PROFILE = "databricksProfile";

	/** The Databricks configuration file, instead of {@code ~/.databrickscfg}. */
	public static final String CONFIG_FILE = "databricksConfigFile";

	/** The SDK's auth type, such as {@code oauth-m2m} or {@code databricks-cli}. */
	public static final String AUTH_TYPE = "databricksAuthType";

	/** A service principal's OAuth client id; its secret comes from the environment or a profile. */
	public static final String CLIENT_ID = "databricksClientId";

	// Refused by name: a secret in a URL or driver properties ends up in tools' screens and logs.
	static final java.util.List<String> SECRETS = java.util.List.of("databricksClientSecret", "databricksToken",
			"databricksPassword", "databricksAzureClientSecret");

	private static final String JVM_TRUST = "sslfactory=" + LakebaseConnectionInfo.JVM_TRUST_STORE_SSL_FACTORY;

	private final Properties info;

	/**
	 * Creates the plugin of one login, as PgJDBC does.
	 * @param info the connection's properties, with the URL's parameters among them
	 */
	public LakebaseAuthenticationPlugin(Properties info) {
		this.info = info;
	}

	@Override
	public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
		checkTls(this.info);
		try {
			LakebaseCredential credential = credential(PluginCredentials.shared());
			// A new array each time: PgJDBC wipes it after the handshake.
			return credential.token().toCharArray();
		}
		catch (RuntimeException ex) {
			LakebaseConfigurationException configuration = Failures.find(ex, LakebaseConfigurationException.class);
			if (configuration != null) {
				// Retrying cannot fix it: not a connection-class state.
				throw new PSQLException(configuration.getMessage() + ". " + configuration.getAction() + " ("
						+ propertyName(configuration.getSetting()) + ")", PSQLState.INVALID_PARAMETER_VALUE, ex);
			}
			throw new PSQLException("Lakebase login failed: " + ex.getMessage(), PSQLState.CONNECTION_UNABLE_TO_CONNECT,
					ex);
		}
	}

	private LakebaseCredential credential(PluginCredentials credentials) {
		PluginCredentials.Entry entry = credentials.entry(this.info);
		LakebaseCredential credential;
		try {
			credential = entry.credentials().get();
		}
		catch (LakebaseCredentialException ex) {
			if (!entry.isClosed()) {
				throw ex;
			}
			// Evicted as this login took it (more identities than the bound, or idle): once more.
			entry = credentials.entry(this.info);
			credential = entry.credentials().get();
		}
		checkUser(entry);
		return credential;
	}

	// The URL parameter or connection property of a setting, as a failure names it.
	private static String propertyName(String setting) {
		return switch (setting) {
			case "endpoint" -> "URL parameter " + ENDPOINT;
			case "instance" -> "URL parameter " + INSTANCE;
			case "project" -> "URL parameter " + PROJECT;
			case "branch" -> "URL parameter " + BRANCH;
			default -> "URL parameter " + setting;
		};
	}

	/**
	 * Refuses to hand the credential to a connection that may be plaintext or unverified: the
	 * server reads it as a cleartext password inside TLS.
	 */
	private static void checkTls(Properties info) throws PSQLException {
		org.postgresql.jdbc.SslMode mode = org.postgresql.jdbc.SslMode.of(info);
		String factory = PGProperty.SSL_FACTORY.getOrDefault(info);
		boolean nonValidating = factory != null && factory.endsWith("NonValidatingFactory");
		String hostnameVerifier = PGProperty.SSL_HOSTNAME_VERIFIER.getOrDefault(info);
		String rootCert = PGProperty.SSL_ROOT_CERT.getOrDefault(info);
		String hosts = PGProperty.PG_HOST.getOrDefault(info);
		for (String host : (hosts != null) ? hosts.split(",") : new String[0]) {
			if (HostNames.isLoopback(host.trim())) {
				continue;
			}
			if (!mode.requireEncryption()) {
				throw new PSQLException("The SSL mode '" + mode.value + "' can send the Lakebase database credential "
						+ "unencrypted to " + host + " (PgJDBC's default is 'prefer'). Set sslmode=verify-full&"
						+ JVM_TRUST + " (or sslrootcert=<CA file>) in the URL; Lakebase accepts encrypted connections "
						+ "only", PSQLState.INVALID_PARAMETER_VALUE);
			}
			if (nonValidating) {
				throw new PSQLException("The SSL factory '" + factory + "' accepts any server certificate, so a man "
						+ "in the middle could read the Lakebase database credential. Remove sslfactory, or set "
						+ JVM_TRUST + " to verify the server against the JVM's trust store",
						PSQLState.INVALID_PARAMETER_VALUE);
			}
			if (hostnameVerifier != null && !hostnameVerifier.isBlank()) {
				throw new PSQLException("The host name verifier '" + hostnameVerifier + "' replaces PgJDBC's check "
						+ "that the certificate names " + host + ", so a man in the middle with any trusted certificate "
						+ "could read the Lakebase database credential. Remove sslhostnameverifier",
						PSQLState.INVALID_PARAMETER_VALUE);
			}
			if (mode == org.postgresql.jdbc.SslMode.VERIFY_CA && (rootCert == null || rootCert.isBlank())) {
				throw new PSQLException("The SSL mode 'verify-ca' without sslrootcert accepts any certificate a "
						+ "public CA issued, for any host name, so a man in the middle could read the Lakebase database "
						+ "credential. Use sslmode=verify-full&" + JVM_TRUST + ", or set sslrootcert to the CA's file",
						PSQLState.INVALID_PARAMETER_VALUE);
			}
			if (!mode.verifyCertificate()) {
				TlsWarnings.warnIfUnverified(host.trim(), "set sslmode=verify-full&" + JVM_TRUST + " in the JDBC URL");
			}
		}
	}

	/**
	 * Checks the role against the identity: a service principal's credential logs in only as the
	 * role named by its client id.
	 */
	private void checkUser(PluginCredentials.Entry entry) {
		Optional<String> clientId = LakebaseDiscovery.servicePrincipalClientId(entry.workspaceClient().config());
		String user = PGProperty.USER.getOrDefault(this.info);
		if (clientId.isPresent() && !clientId.get().equals(user)) {
			throw new LakebaseConfigurationException("user", user, "The user '" + user + "' is not the client id of "
					+ "the service principal the workspace authenticates as (" + clientId.get() + "); its database "
					+ "credentials log in only as that role", "Set user=" + clientId.get() + " in the JDBC URL or "
							+ "properties. Role names are case-sensitive.");
		}
	}

	static @Nullable String property(Properties info, String name) {
		String value = info.getProperty(name);
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
