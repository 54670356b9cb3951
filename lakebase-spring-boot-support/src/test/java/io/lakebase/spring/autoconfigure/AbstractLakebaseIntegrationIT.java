package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.util.TestPropertyValues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of the starter on a local Lakebase: the real Databricks SDK, HikariCP, PgJDBC
 * and a Spring Boot context. Run on each Spring Boot line by a subclass naming the line.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class AbstractLakebaseIntegrationIT {

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
			"integration-secret-value");

	private static final Identity USER = Identity.user("ada@example.com", "dapi-integration-pat");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(SERVICE_PRINCIPAL)
		.identity(USER)
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.instance(LocalLakebase.DEFAULT_INSTANCE));

	private final SpringBootLine line;

	private final ApplicationContextRunner contextRunner;

	protected AbstractLakebaseIntegrationIT(SpringBootLine line) {
		this.line = line;
		this.contextRunner = new ApplicationContextRunner().withConfiguration(line.lakebaseDataSource())
			.withConfiguration(AutoConfigurations.of(line.lakebaseHealth()));
	}

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
	}

	@Test
	void autoscalingEndpointDiscoversHostAndServicePrincipalUser(CapturedOutput output) {
		servicePrincipalContext().run((context) -> {
			assertThat(context).hasNotFailed();
			LakebaseConnectionInfo connection = context.getBean(LakebaseResolver.class).resolved().orElseThrow();
			assertThat(connection.host()).isEqualTo("127.0.0.1");
			assertThat(connection.username()).isEqualTo(SERVICE_PRINCIPAL.name());
			assertThat(whoAmI(context.getBean(DataSource.class))).containsExactly(SERVICE_PRINCIPAL.name(),
					"databricks_postgres");
			// The startup check fetched the one credential; the pool reused it. A service principal's
			// role is its client id: no user lookup.
			assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
			assertThat(lakebase.get().stats().requests("/api/2.0/preview/scim/v2/Me")).isZero();
			assertNoSecretIn(output.getAll(), context.getBean(LakebaseCredentialCache.class));
		});
	}

	@Test
	void theWorkspaceClientWaitsTenSecondsPerRequestInsteadOfTheSdksFiveMinutes() {
		servicePrincipalContext().withPropertyValues("lakebase.fail-fast=false")
			.run((context) -> assertThat(context.getBean(WorkspaceClient.class).config().getHttpTimeoutSeconds())
				.isEqualTo(10));
		servicePrincipalContext().withPropertyValues("lakebase.fail-fast=false", "lakebase.workspace.http-timeout=3s")
			.run((context) -> assertThat(context.getBean(WorkspaceClient.class).config().getHttpTimeoutSeconds())
				.isEqualTo(3));
	}

	@Test
	void provisionedInstanceWithPersonalAccessTokenLogsInAsTheUser() {
		this.contextRunner
			.withInitializer((context) -> TestPropertyValues
				.of("lakebase.instance=" + LocalLakebase.DEFAULT_INSTANCE, "lakebase.port=" + lakebase.get().port(),
						"lakebase.ssl.root-cert=" + lakebase.get().caCertificate(),
						"lakebase.workspace.host=" + lakebase.get().workspaceUrl(),
						"lakebase.workspace.token=" + USER.secret())
				.applyTo(context))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LakebaseResolver.class).resolved().orElseThrow().username())
					.isEqualTo(USER.name());
				assertThat(whoAmI(context.getBean(DataSource.class))).containsExactly(USER.name(),
						"databricks_postgres");
				assertThat(lakebase.get().stats().requests("/api/2.0/database/credentials")).isEqualTo(1);
			});
	}

	@Test
	void concurrentLoginsOnAColdCacheMakeOneCredentialCall() {
		// Hikari opens connections on one thread: ten threads logging in through the login data source
		// at once are what makes callers of the credential cache truly concurrent.
		servicePrincipalContext().withPropertyValues("lakebase.fail-fast=false").run((context) -> {
			DataSource logins = context.getBean(LakebasePrimaryConnection.class).loginDataSource(new Properties());
			ExecutorService threads = Executors.newFixedThreadPool(10);
			CountDownLatch start = new CountDownLatch(1);
			try {
				List<Future<String>> users = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					users.add(threads.submit(() -> {
						start.await();
						try (Connection connection = logins.getConnection()) {
							return whoAmI(connection)[0];
						}
					}));
				}
				start.countDown();
				for (Future<String> user : users) {
					assertThat(user.get(60, TimeUnit.SECONDS)).isEqualTo(SERVICE_PRINCIPAL.name());
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(lakebase.get().stats().loginsAccepted()).isEqualTo(10);
			assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
			assertThat(lakebase.get().stats().requests("/api/2.0/postgres/" + LocalLakebase.DEFAULT_ENDPOINT))
				.isEqualTo(1);
		});
	}

	@Test
	void credentialApiOutageWhileTheTokenIsValidFailsNoConnection() {
		servicePrincipalContext().withPropertyValues("spring.datasource.hikari.maximum-pool-size=4")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				lakebase.get().faults().apiOutage(true);
				for (int round = 0; round < 5; round++) {
					// Force new physical connections: each asks the cache, which answers from memory.
					dataSource.getHikariPoolMXBean().softEvictConnections();
					assertThat(whoAmI(dataSource)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
				}
				assertThat(lakebase.get().stats().loginsAccepted()).isGreaterThanOrEqualTo(5);
			});
	}

	@Test
	void verifyFullWithTheServersCaLogsInForThePoolAndTheHealthCheck() {
		servicePrincipalContext()
			.withPropertyValues("lakebase.ssl.mode=verify-full",
					"lakebase.ssl.root-cert=" + lakebase.get().caCertificate())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(dataSource.getJdbcUrl()).contains("sslmode=verify-full").doesNotContain("sslfactory");
				assertThat(whoAmI(dataSource)).containsExactly(SERVICE_PRINCIPAL.name(), "databricks_postgres");
				assertThat(this.line.health(context).status()).isEqualTo("UP");
			});
	}

	@Test
	void healthIsUpWithDetailsAndNoToken() {
		servicePrincipalContext().run((context) -> {
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).containsEntry("flavour", "autoscaling")
				.containsEntry("endpoint", LocalLakebase.DEFAULT_ENDPOINT)
				.containsEntry("host", "127.0.0.1")
				.containsEntry("database", "databricks_postgres")
				.containsEntry("username", SERVICE_PRINCIPAL.name())
				.containsKeys("credential", "lastLogin")
				.doesNotContainKey("error");
			@SuppressWarnings("unchecked")
			Map<String, Object> credential = (Map<String, Object>) health.details().get("credential");
			assertThat(credential).containsOnlyKeys("expiresAt", "expiresIn", "lastRefresh");
			@SuppressWarnings("unchecked")
			Map<String, Object> lastLogin = (Map<String, Object>) health.details().get("lastLogin");
			assertThat(lastLogin).containsOnlyKeys("outcome", "at").containsEntry("outcome", "success");
			assertNoSecretIn(health.toString(), context.getBean(LakebaseCredentialCache.class));
		});
	}

	@Test
	void healthIsDownWhenLoginsAreRefusedEvenWithAFreshCredential() {
		servicePrincipalContext().withPropertyValues("spring.datasource.hikari.connection-timeout=2000").run((context) -> {
			lakebase.get().faults().rejectLogins(true);
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			dataSource.getHikariPoolMXBean().softEvictConnections();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> whoAmI(dataSource));
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("DOWN");
			assertThat(health.details()).containsEntry("endpoint", LocalLakebase.DEFAULT_ENDPOINT)
				.containsKey("credential");
			assertThat(String.valueOf(health.details().get("error"))).contains("password authentication failed");
			@SuppressWarnings("unchecked")
			Map<String, Object> lastLogin = (Map<String, Object>) health.details().get("lastLogin");
			assertThat(lastLogin).containsEntry("outcome", "failure").containsEntry("sqlState", "28P01");
			assertNoSecretIn(health.toString(), context.getBean(LakebaseCredentialCache.class));
		});
	}

	@Test
	void healthIsDownWhenNoCredentialCanBeHad() {
		servicePrincipalContext().withPropertyValues("lakebase.fail-fast=false").run((context) -> {
			lakebase.get().faults().apiOutage(true);
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("DOWN");
			assertThat(String.valueOf(health.details().get("error")))
				.contains("No Lakebase database credential within PT2S");
		});
	}

	@Test
	void withoutFailFastTheContextStartsWhileTheWorkspaceIsDownAndTheFirstRequestWaitsForIt() {
		lakebase.get().faults().workspaceOutage(true);
		lakebase.get().stats().reset();
		servicePrincipalContext().withPropertyValues("lakebase.fail-fast=false",
				"spring.datasource.hikari.connection-timeout=30000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(lakebase.get().stats().requestLog()).as("workspace requests during start").isEmpty();
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				ExecutorService request = Executors.newSingleThreadExecutor();
				try {
					Future<String[]> firstRequest = request.submit(() -> whoAmI(dataSource));
					Thread.sleep(3000);
					lakebase.get().faults().workspaceOutage(false);
					long restored = System.nanoTime();
					assertThat(firstRequest.get(60, TimeUnit.SECONDS)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
					System.out.printf("Resilience figures: fail-fast=false with the workspace down at start: context up "
							+ "with 0 workspace requests; the first request, made during the outage, succeeded %d ms "
							+ "after the workspace returned%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored));
				}
				finally {
					request.shutdownNow();
				}
			});
	}

	private ApplicationContextRunner servicePrincipalContext() {
		return this.contextRunner.withInitializer(
				(context) -> TestPropertyValues.of(lakebase.get().springProperties(SERVICE_PRINCIPAL)).applyTo(context));
	}

	static void assertNoSecretIn(String text, LakebaseCredentialCache cache) {
		assertThat(text).doesNotContain(SERVICE_PRINCIPAL.secret()).doesNotContain(USER.secret());
		if (cache.status().usable()) {
			assertThat(text).doesNotContain(cache.get().token());
		}
	}

	static String[] whoAmI(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			return whoAmI(connection);
		}
	}

	static String[] whoAmI(Connection connection) throws Exception {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user, current_database()")) {
			result.next();
			return new String[] { result.getString(1), result.getString(2) };
		}
	}

}
