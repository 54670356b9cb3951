package io.lakebase.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The core's pipeline ({@link LakebaseResolver}, {@link LakebaseLoginDataSource},
 * {@link LakebaseStartupCheck}, {@link LakebaseHealthCheck}) against a local Lakebase: the real
 * Databricks SDK, PgJDBC and the emulator's login front. Counts the workspace calls and physical
 * logins each step makes.
 */
class LakebasePipelineIT {

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a",
			"connector-secret");

	private static final Identity USER = Identity.user("edsger@example.com", "dapi-connector-pat");

	private static final Identity WITHOUT_ROLE = Identity
		.servicePrincipal("8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d", "no-role-secret")
		.withoutPostgresRole();

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(SERVICE_PRINCIPAL)
		.identity(USER)
		.identity(WITHOUT_ROLE)
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.instance(LocalLakebase.DEFAULT_INSTANCE));

	private TestPipeline connector;

	@BeforeEach
	@AfterEach
	void reset() {
		if (this.connector != null) {
			this.connector.close();
		}
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
	}

	@Test
	void buildingAConnectorCallsNothing() {
		AtomicInteger clientsMade = new AtomicInteger();
		this.connector = new TestPipeline(settings().build(), () -> {
			clientsMade.incrementAndGet();
			return client(SERVICE_PRINCIPAL);
		});
		assertThat(this.connector.jdbcUrl()).isEqualTo("jdbc:postgresql://" + LakebaseConnectionInfo.UNDISCOVERED_HOST + ":"
				+ lakebase.get().port() + "/databricks_postgres?sslmode=verify-full&sslrootcert="
				+ URLEncoder.encode(lakebase.get().caCertificate().toString(), StandardCharsets.UTF_8));
		assertThat(clientsMade).hasValue(0);
		assertThat(lakebase.get().stats().requestLog()).isEmpty();
	}

	@Test
	void aServicePrincipalsRoleIsItsClientIdWithoutAUserLookup() throws Exception {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		LakebaseConnectionInfo connection = this.connector.resolve();
		assertThat(connection.host()).isEqualTo("127.0.0.1");
		assertThat(connection.username()).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(this.connector.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
		assertThat(lakebase.get().stats().requests("/api/2.0/postgres/" + LocalLakebase.DEFAULT_ENDPOINT)).isEqualTo(1);
		assertThat(lakebase.get().stats().requests("/api/2.0/preview/scim/v2/Me")).isZero();
		assertThat(this.connector.resolve()).isSameAs(connection);
		assertThat(whoAmI(this.connector)).isEqualTo(SERVICE_PRINCIPAL.name());
	}

	@Test
	void aConfiguredHostIsNotLookedUp() throws Exception {
		this.connector = connector(settings().host("127.0.0.1").build(), SERVICE_PRINCIPAL);
		assertThat(whoAmI(this.connector)).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(lakebase.get().stats().requests("/api/2.0/postgres/" + LocalLakebase.DEFAULT_ENDPOINT)).isZero();
		assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
	}

	@Test
	void readOnlySettingsResolveTheInstancesReadOnlyHostAndLogInThere() throws Exception {
		this.connector = connector(LakebaseConnectionSettings.builder(LakebaseTarget.instance(LocalLakebase.DEFAULT_INSTANCE))
			.port(lakebase.get().port())
			.sslRootCert(lakebase.get().caCertificate().toString())
			.readOnly(true)
			.build(), SERVICE_PRINCIPAL);
		String readOnlyHost = lakebase.get().readOnlyHost(LocalLakebase.DEFAULT_INSTANCE).orElseThrow();
		assertThat(readOnlyHost).isNotEqualTo(lakebase.get().host(LocalLakebase.DEFAULT_INSTANCE));
		assertThat(this.connector.resolve().host()).isEqualTo(readOnlyHost);
		assertThat(whoAmI(this.connector)).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(lakebase.get().stats().loginsAccepted(readOnlyHost)).isEqualTo(1);
	}

	@Test
	void readOnlySettingsOnAnEndpointWithoutAReadOnlyHostFailNamingTheSetting() {
		// This endpoint is neither a read replica nor highly available.
		this.connector = connector(settings().readOnly(true).build(), SERVICE_PRINCIPAL);
		assertThatExceptionOfType(LakebaseConfigurationException.class).isThrownBy(() -> this.connector.resolve())
			.withMessageContaining("has no read-only host")
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("read-only.enabled"));
	}

	@Test
	void aUserWithAPersonalAccessTokenLogsInAsTheCurrentUser() throws Exception {
		this.connector = connector(LakebaseConnectionSettings.builder(LakebaseTarget.instance(LocalLakebase.DEFAULT_INSTANCE))
			.port(lakebase.get().port())
			.sslRootCert(lakebase.get().caCertificate().toString())
			.build(), USER);
		assertThat(whoAmI(this.connector)).isEqualTo(USER.name());
		assertThat(lakebase.get().stats().requests("/api/2.0/preview/scim/v2/Me")).isEqualTo(1);
		assertThat(lakebase.get().stats().requests("/api/2.0/database/credentials")).isEqualTo(1);
	}

	@Test
	void verifyObtainsOneCredentialAndLogsInOnce() {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		LakebaseConnectionInfo connection = this.connector.verify(Duration.ofSeconds(30));
		assertThat(connection.username()).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
		assertThat(lakebase.get().stats().loginsAccepted()).isEqualTo(1);
	}

	@Test
	void verifyWaitsOutThrottlingWithinItsTimeout() {
		// Eight 429s: the SDK gives up twice (four attempts each); the startup retries.
		lakebase.get().faults().failNextCredentialRequests(8, 429, Duration.ofSeconds(1));
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		this.connector.verify(Duration.ofSeconds(60));
		assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(9);
		assertThat(lakebase.get().stats().loginsAccepted()).isEqualTo(1);
	}

	@Test
	void verifyGivesUpOnThrottlingAtItsTimeout() {
		lakebase.get().faults().failNextCredentialRequests(1000, 429, Duration.ofSeconds(1));
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		assertThatExceptionOfType(LakebaseWorkspaceException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(3)))
			.withMessageContaining("Could not obtain a database credential for " + LocalLakebase.DEFAULT_ENDPOINT
					+ " within PT3S")
			.withMessageContaining("the credential API has not answered yet");
	}

	@Test
	void verifyEndsWithinItsTimeoutWhenTheLookupIsThrottledWithALongRetryAfter() {
		// The SDK sleeps through "Retry-After: 300" on the thread that looks the endpoint up.
		lakebase.get().faults().failNextLookups(1000, 429, Duration.ofSeconds(300));
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		long start = System.nanoTime();
		assertThatExceptionOfType(LakebaseWorkspaceException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(5)))
			.withMessageContaining(LocalLakebase.DEFAULT_ENDPOINT)
			.withMessageContaining("within PT5S");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void closingWhileTheApiIsDownAndALoginWaitsForACredentialTakesUnderASecond() throws Exception {
		lakebase.get().faults().apiOutage(true);
		this.connector = connector(settings().host(lakebase.get().host()).build(), SERVICE_PRINCIPAL);
		Thread login = new Thread(() -> {
			try (Connection connection = this.connector.connection()) {
				// Not reached: the API is down.
			}
			catch (SQLException | RuntimeException ex) {
				// Ended by the close.
			}
		});
		login.start();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> lakebase.get().stats().requests("/api/2.0/postgres/credentials") > 0);
		long start = System.nanoTime();
		this.connector.close();
		login.join(Duration.ofSeconds(20).toMillis());
		assertThat(login.isAlive()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		this.connector = null;
	}

	@Test
	void verifyFailsAtOnceWhenTheWorkspaceRejectsTheSecret() {
		Identity wrongSecret = Identity.servicePrincipal(SERVICE_PRINCIPAL.name(), "wrong-secret");
		this.connector = connector(settings().build(), wrongSecret);
		long start = System.nanoTime();
		assertThatExceptionOfType(LakebaseWorkspaceException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(60)))
			.withMessageContaining("invalid_client");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		assertThat(lakebase.get().stats().requests("/oidc/v1/token")).isLessThanOrEqualTo(2);
	}

	@Test
	void verifyReportsAMissingRoleWithoutRetrying() {
		this.connector = connector(settings().build(), WITHOUT_ROLE);
		assertThatExceptionOfType(LakebaseConnectionException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(60)))
			.satisfies((ex) -> {
				assertThat(ex.getSqlException().getSQLState()).isEqualTo("28000");
				assertThat(ex.getConnection().username()).isEqualTo(WITHOUT_ROLE.name());
			});
		assertThat(lakebase.get().stats().loginsRejected()).isEqualTo(1);
	}

	@Test
	void verifyExplainsALoginRefusedAtAConfiguredPooledHost() {
		this.connector = connector(settings().host("pooler.lakebase.invalid").build(), SERVICE_PRINCIPAL);
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(5)))
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("host");
				assertThat(ex.getMessage()).contains("pooled (PgBouncer) host");
				assertThat(ex.getAction()).contains("127.0.0.1");
			});
	}

	@Test
	void healthMakesNoLoginInSteadyState() throws Exception {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		whoAmI(this.connector);
		long logins = lakebase.get().stats().loginsAccepted();
		long calls = lakebase.get().stats().credentialRequests();
		for (int probe = 0; probe < 100; probe++) {
			LakebaseHealth health = this.connector.health(Duration.ofSeconds(2));
			assertThat(health.up()).isTrue();
			assertThat(health.error()).isNull();
		}
		assertThat(lakebase.get().stats().loginsAccepted() - logins).as("logins for 100 probes").isZero();
		assertThat(lakebase.get().stats().credentialRequests() - calls).isZero();
		LakebaseHealth health = this.connector.health(Duration.ofSeconds(2));
		assertThat(health.connection().username()).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(health.credential().usable()).isTrue();
		assertThat(health.lastLogin().succeeded()).isTrue();
	}

	@Test
	void healthLogsInItselfWhenNothingHasYet() {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		LakebaseHealth health = this.connector.health(Duration.ofSeconds(10));
		assertThat(health.up()).isTrue();
		assertThat(lakebase.get().stats().loginsAccepted()).isEqualTo(1);
		this.connector.health(Duration.ofSeconds(10));
		assertThat(lakebase.get().stats().loginsAccepted()).isEqualTo(1);
	}

	@Test
	void healthIsDownWhileLoginsAreRefusedAndUpAgainByItselfWhenTheyAreNot() throws Exception {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		whoAmI(this.connector);
		lakebase.get().faults().rejectLogins(true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> whoAmI(this.connector));
		LakebaseHealth down = this.connector.health(Duration.ofSeconds(2));
		assertThat(down.up()).isFalse();
		assertThat(down.error()).contains("password authentication failed");
		assertThat(down.lastLogin().sqlState()).isEqualTo("28P01");
		lakebase.get().faults().rejectLogins(false);
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> this.connector.health(Duration.ofSeconds(2)).up());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void healthAnswersWithinItsBoundWhenTheApiIsSlow() {
		lakebase.get().faults().credentialLatency(Duration.ofSeconds(8));
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		long start = System.nanoTime();
		LakebaseHealth health = this.connector.health(Duration.ofSeconds(1));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(health.up()).isFalse();
		assertThat(health.error()).contains("No Lakebase database credential within PT1S");
		assertThat(took).as("probe time with an 8 s API").isLessThan(Duration.ofSeconds(6));
	}

	@Test
	void healthIsDownWhenNoCredentialCanBeHad() {
		lakebase.get().faults().apiOutage(true);
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		LakebaseHealth health = this.connector.health(Duration.ofSeconds(2));
		assertThat(health.up()).isFalse();
		assertThat(health.error()).contains("No Lakebase database credential");
		assertThat(health.toString()).doesNotContain(SERVICE_PRINCIPAL.secret());
	}

	@Test
	void aRevokedCredentialIsReplacedOnceAtLoginAndHealthStaysUp() throws Exception {
		this.connector = connector(settings().build(), SERVICE_PRINCIPAL);
		whoAmI(this.connector);
		// Older than the ten seconds within which a refused credential is not worth replacing.
		Thread.sleep(10_500);
		lakebase.get().revokeTokens(SERVICE_PRINCIPAL.name());
		long logins = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected();
		// A new connection can still be opened (the login below proves it): health says so without a login.
		assertThat(this.connector.health(Duration.ofSeconds(2)).up()).isTrue();
		assertThat(lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected()).isEqualTo(logins);
		long calls = lakebase.get().stats().credentialRequests();
		long rejected = lakebase.get().stats().loginsRejected();
		assertThat(whoAmI(this.connector)).isEqualTo(SERVICE_PRINCIPAL.name());
		assertThat(lakebase.get().stats().loginsRejected() - rejected).isEqualTo(1);
		assertThat(lakebase.get().stats().credentialRequests() - calls).isEqualTo(1);
		assertThat(this.connector.health(Duration.ofSeconds(2)).up()).isTrue();
		// Refused again right away: the fresh credential is not the problem, so it is not replaced.
		lakebase.get().faults().rejectLogins(true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> whoAmI(this.connector))
			.withMessageContaining("password authentication failed");
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> whoAmI(this.connector));
		assertThat(lakebase.get().stats().credentialRequests() - calls).isEqualTo(1);
	}

	private TestPipeline connector(LakebaseConnectionSettings settings, Identity identity) {
		WorkspaceClient client = client(identity);
		return new TestPipeline(settings, () -> client);
	}

	private static LakebaseConnectionSettings.Builder settings() {
		return LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT))
			.port(lakebase.get().port())
			.sslRootCert(lakebase.get().caCertificate().toString());
	}

	static WorkspaceClient client(Identity identity) {
		DatabricksConfig config = new DatabricksConfig().setHost(lakebase.get().workspaceUrl()).setHttpTimeoutSeconds(10);
		if (identity.isServicePrincipal()) {
			config.setClientId(identity.name()).setClientSecret(identity.secret());
		}
		else {
			config.setToken(identity.secret());
		}
		return new WorkspaceClient(config);
	}

	static String whoAmI(TestPipeline connector) throws SQLException {
		try (Connection connection = connector.dataSource().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user")) {
			result.next();
			return result.getString(1);
		}
	}

	static List<String> requestLog() {
		return lakebase.get().stats().requestLog();
	}

}
