package io.lakebase.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Consumer;

import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.local.Endpoint;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Addressing a database by project and branch, and the built-in pooler, against a local Lakebase
 * with two branches (one with a read replica), a branch without any endpoint, and an emulated
 * pooler.
 */
class LakebaseBranchAndPoolerIT {

	static final String DEV_ENDPOINT = "projects/local/branches/dev/endpoints/dev-primary";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.endpoint(Endpoint.of(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT).asReadOnly())
		.endpoint(DEV_ENDPOINT)
		.branch("projects/local/branches/empty")
		.pooler(true));

	@TempDir
	static Path home;

	@BeforeEach
	void reset() {
		lakebase.get().stats().reset();
	}

	@Test
	void aBranchIsReachedThroughItsReadWriteEndpoint() throws Exception {
		try (LakebaseDataSource dataSource = dataSource((builder) -> builder.branch("local", "dev"), (settings) -> {
		})) {
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			LakebaseConnectionInfo resolved = dataSource.logins().resolver().resolved().orElseThrow();
			assertThat(resolved.host()).isEqualTo(lakebase.get().host(DEV_ENDPOINT));
			// From now on the branch's endpoint: logins, users' credentials and reports name it.
			assertThat(resolved.target()).isEqualTo(LakebaseTarget.endpoint(DEV_ENDPOINT));
			assertThat(dataSource.logins().resolver().target().kind()).isEqualTo("branch");
			assertThat(lakebase.get().stats().loginsAccepted(lakebase.get().host(DEV_ENDPOINT))).isEqualTo(1);
			// The credential was asked for the branch's endpoint.
			assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
		}
	}

	@Test
	void readOnlyConnectionsOfABranchGoToItsReadOnlyEndpoint() throws Exception {
		try (LakebaseDataSource dataSource = dataSource((builder) -> builder.branch("local", "main"),
				(settings) -> settings.readOnly(true))) {
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			assertThat(dataSource.logins().resolver().resolved().orElseThrow().host())
				.isEqualTo(lakebase.get().host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT));
		}
	}

	@Test
	void aBranchWithoutAnEndpointOrThatDoesNotExistIsReportedWithWhatExists() {
		try (LakebaseDataSource empty = dataSource((builder) -> builder.branch("local", "empty"), (settings) -> {
		})) {
			assertThatExceptionOfType(LakebaseConfigurationException.class)
				.isThrownBy(() -> empty.logins().resolver().resolve())
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("branch"))
				.withMessageContaining("The branch 'projects/local/branches/empty' has no read-write endpoint")
				.withMessageContaining("its endpoints: none");
		}
		try (LakebaseDataSource missing = dataSource((builder) -> builder.branch("local", "staging"), (settings) -> {
		})) {
			assertThatExceptionOfType(LakebaseConfigurationException.class)
				.isThrownBy(() -> missing.logins().resolver().resolve())
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("branch"))
				.withMessageContaining("The branch 'projects/local/branches/staging' does not exist")
				.withMessageContaining("main")
				.withMessageContaining("dev")
				.withMessageContaining("empty");
		}
		try (LakebaseDataSource missing = dataSource((builder) -> builder.branch("nowhere", "main"), (settings) -> {
		})) {
			assertThatExceptionOfType(LakebaseConfigurationException.class)
				.isThrownBy(() -> missing.logins().resolver().resolve())
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("project"))
				.withMessageContaining("The project 'projects/nowhere' does not exist");
		}
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseTarget.branch("local", "projects/local/branches/dev"))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("branch"))
			.withMessageContaining("is not a plain id");
	}

	@Test
	void pooledConnectionsGoThroughThePoolerWithoutServerSidePreparedStatements() throws Exception {
		String pooledHost = lakebase.get().pooledHost(LocalLakebase.DEFAULT_ENDPOINT).orElseThrow();
		try (LakebaseDataSource dataSource = dataSource((builder) -> builder.endpoint(LocalLakebase.DEFAULT_ENDPOINT),
				(settings) -> settings.pooled(true))) {
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
				// Past PgJDBC's default threshold of 5, where it would prepare the statement on the server.
				try (PreparedStatement statement = connection.prepareStatement("SELECT ?::int + 1")) {
					for (int i = 0; i < 10; i++) {
						statement.setInt(1, i);
						try (ResultSet result = statement.executeQuery()) {
							assertThat(result.next()).isTrue();
							assertThat(result.getInt(1)).isEqualTo(i + 1);
						}
					}
				}
			}
			assertThat(dataSource.logins().resolver().resolved().orElseThrow().host()).isEqualTo(pooledHost);
			assertThat(lakebase.get().stats().loginsAccepted(pooledHost)).isEqualTo(1);
		}
	}

	@Test
	void thePluginAddressesABranch() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		String url = "jdbc:postgresql://" + lakebase.get().host(DEV_ENDPOINT) + ":" + lakebase.get().port()
				+ "/databricks_postgres?sslmode=verify-full&sslrootcert="
				+ URLEncoder.encode(lakebase.get().caCertificate().toString(), StandardCharsets.UTF_8) + "&user="
				+ identity.name() + "&authenticationPluginClassName=" + LakebaseAuthenticationPlugin.class.getName()
				+ "&lakebaseProject=local&lakebaseBranch=dev";
		Properties workspace = new Properties();
		workspace.setProperty(LakebaseAuthenticationPlugin.CONFIG_FILE,
				Files.writeString(home.resolve("databrickscfg"), lakebase.get().databricksProfile("branch")).toString());
		workspace.setProperty(LakebaseAuthenticationPlugin.PROFILE, "branch");
		try (Connection connection = DriverManager.getConnection(url, workspace)) {
			assertThat(connection.isValid(1)).isTrue();
		}
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url.replace("&lakebaseBranch=dev", ""), workspace))
			.withMessageContaining("lakebaseBranch is not set")
			.withMessageContaining("URL parameter lakebaseBranch");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url.replace("lakebaseBranch=dev", "lakebaseBranch=staging"),
					workspace))
			.withMessageContaining("The branch 'projects/local/branches/staging' does not exist")
			.withMessageContaining("(URL parameter lakebaseBranch)")
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("22023"));
	}

	private static LakebaseDataSource dataSource(Consumer<LakebaseDataSource.Builder> target,
			Consumer<LakebaseConnectionSettings.Builder> settings) {
		Identity identity = lakebase.get().defaultIdentity();
		LakebaseDataSource.Builder builder = LakebaseDataSource.builder()
			.workspace(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(identity.name())
				.setClientSecret(identity.secret()))
			.settings((configured) -> settings.accept(configured.port(lakebase.get().port())
				.sslRootCert(lakebase.get().caCertificate().toString())))
			.pool((pool) -> pool.setMaximumPoolSize(1));
		target.accept(builder);
		return builder.build();
	}

}
