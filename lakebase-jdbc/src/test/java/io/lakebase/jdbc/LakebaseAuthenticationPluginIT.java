package io.lakebase.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LakebaseAuthenticationPlugin} as tools use it, with a JDBC URL and properties alone:
 * {@link DriverManager}, a HikariCP pool given only a JDBC URL, and Flyway, against a local Lakebase
 * issuing 5-second credentials.
 */
class LakebaseAuthenticationPluginIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(5)));

	@TempDir
	static Path home;

	static Path configFile;

	@BeforeAll
	static void writeProfile() throws Exception {
		configFile = Files.writeString(home.resolve("databrickscfg"), lakebase.get().databricksProfile("lakebase-local"));
	}

	@BeforeEach
	void reset() {
		lakebase.get().stats().reset();
	}

	@Test
	void manyConnectionsAndPoolsShareOneCredentialPerLifetimeAcrossRotations() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		String url = url("lakebaseEndpoint=" + encode(LocalLakebase.DEFAULT_ENDPOINT));
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setDataSourceProperties(workspace(identity));
		config.setMaximumPoolSize(2);
		int connections = 0;
		AtomicInteger pooled = new AtomicInteger();
		try (HikariDataSource pool = new HikariDataSource(config)) {
			// At least two rotations of the 5 s credential: DriverManager and a pool, side by side.
			long deadline = System.nanoTime() + Duration.ofSeconds(11).toNanos();
			while (System.nanoTime() < deadline) {
				try (Connection connection = DriverManager.getConnection(url, workspace(identity))) {
					assertThat(currentUser(connection)).isEqualTo(identity.name());
				}
				connections++;
				pool.getHikariPoolMXBean().softEvictConnections();
				try (Connection connection = pool.getConnection()) {
					assertThat(currentUser(connection)).isEqualTo(identity.name());
					pooled.incrementAndGet();
				}
				Thread.sleep(50);
			}
		}
		long calls = lakebase.get().stats().credentialRequests();
		assertThat(connections).isGreaterThanOrEqualTo(10);
		assertThat(lakebase.get().stats().loginsRejected()).isZero();
		assertThat(lakebase.get().stats().loginsAccepted()).isGreaterThanOrEqualTo(2L * connections);
		// Refreshed ahead of expiry, about every 2.5 s of the 5 s lifetime, however many logins.
		assertThat(calls).as("credential calls for %d + %d connections", connections, pooled.get()).isBetween(3L, 8L);
	}

	@Test
	void flywayMigratesGivenOnlyAUrl() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		// Flyway takes a URL, a user and a password: everything else rides in the URL.
		String url = url("lakebaseEndpoint=" + encode(LocalLakebase.DEFAULT_ENDPOINT) + "&databricksConfigFile="
				+ encode(configFile.toString()) + "&databricksProfile=lakebase-local");
		Flyway flyway = Flyway.configure()
			.dataSource(url, identity.name(), null)
			.locations("classpath:db/plugin")
			.schemas("plugin_tool")
			.load();
		assertThat(flyway.migrate().migrationsExecuted).isEqualTo(1);
		try (Connection connection = DriverManager.getConnection(url);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT note FROM plugin_tool.plugin_migrated")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).contains("only a JDBC URL");
		}
		assertThat(lakebase.get().stats().loginsRejected()).isZero();
	}

	@Test
	void aUrlWithoutATargetIsRefusedByName() {
		Identity identity = lakebase.get().defaultIdentity();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url(""), workspace(identity)))
			.withMessageContaining("No Lakebase target is set")
			.withMessageContaining("lakebaseEndpoint=projects/<p>/branches/<b>/endpoints/<e>")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("22023"));
	}

	@Test
	void aSecretInTheUrlIsRefusedByNameWithoutItsValue() {
		Identity identity = lakebase.get().defaultIdentity();
		String url = url("lakebaseEndpoint=" + encode(LocalLakebase.DEFAULT_ENDPOINT) + "&databricksClientSecret="
				+ encode(identity.secret()));
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getConnection(url, workspace(identity)))
			.withMessageContaining("A secret (databricksClientSecret) is set as a URL parameter")
			.withMessageContaining("DATABRICKS_CLIENT_SECRET")
			.withMessageNotContaining(identity.secret());
	}

	@Test
	void aRoleOtherThanTheServicePrincipalsIsRefusedByName() {
		Identity identity = lakebase.get().defaultIdentity();
		String url = url("lakebaseEndpoint=" + encode(LocalLakebase.DEFAULT_ENDPOINT)).replace("user=" + identity.name(),
				"user=someone-else");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url, workspace(identity)))
			.withMessageContaining("The user 'someone-else' is not the client id")
			.withMessageContaining("Set user=" + identity.name());
		assertThat(lakebase.get().stats().passwordsReceived()).isZero();
	}

	@Test
	void noCredentialIsHandedToAConnectionThatMayBePlaintextOrUnverified() {
		Properties remote = new Properties();
		remote.setProperty("PGHOST", "ep-example.database.us-east-1.cloud.databricks.com");
		remote.setProperty(LakebaseAuthenticationPlugin.ENDPOINT, LocalLakebase.DEFAULT_ENDPOINT);
		// PgJDBC's default SSL mode, prefer, may fall back to plaintext.
		assertThatExceptionOfType(PSQLException.class)
			.isThrownBy(() -> new LakebaseAuthenticationPlugin(remote).getPassword(AuthenticationRequestType.CLEARTEXT_PASSWORD))
			.withMessageContaining("The SSL mode 'prefer' can send the Lakebase database credential unencrypted")
			.withMessageContaining("sslmode=verify-full");
		remote.setProperty("sslmode", "verify-full");
		remote.setProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
		assertThatExceptionOfType(PSQLException.class)
			.isThrownBy(() -> new LakebaseAuthenticationPlugin(remote).getPassword(AuthenticationRequestType.CLEARTEXT_PASSWORD))
			.withMessageContaining("accepts any server certificate");
		remote.remove("sslfactory");
		remote.setProperty("sslmode", "verify-ca");
		assertThatExceptionOfType(PSQLException.class)
			.isThrownBy(() -> new LakebaseAuthenticationPlugin(remote).getPassword(AuthenticationRequestType.CLEARTEXT_PASSWORD))
			.withMessageContaining("'verify-ca' without sslrootcert");
		remote.setProperty("sslmode", "verify-full");
		remote.setProperty("sslhostnameverifier", "com.example.TrustingVerifier");
		assertThatExceptionOfType(PSQLException.class)
			.isThrownBy(() -> new LakebaseAuthenticationPlugin(remote).getPassword(AuthenticationRequestType.CLEARTEXT_PASSWORD))
			.withMessageContaining("Remove sslhostnameverifier");
	}

	private static String url(String lakebaseParameters) {
		Identity identity = lakebase.get().defaultIdentity();
		return lakebase.get().jdbcUrl() + "&user=" + identity.name()
				+ "&authenticationPluginClassName=io.lakebase.jdbc.LakebaseAuthenticationPlugin"
				+ (lakebaseParameters.isEmpty() ? "" : "&" + lakebaseParameters);
	}

	// The workspace as a tool's driver properties name it: a profile of a Databricks configuration
	// file, which holds the secret (a test cannot set DATABRICKS_CLIENT_SECRET).
	private static Properties workspace(Identity identity) {
		Properties properties = new Properties();
		properties.setProperty(LakebaseAuthenticationPlugin.CONFIG_FILE, configFile.toString());
		properties.setProperty(LakebaseAuthenticationPlugin.PROFILE, "lakebase-local");
		return properties;
	}

	private static String currentUser(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user")) {
			result.next();
			return result.getString(1);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
