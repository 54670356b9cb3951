package io.lakebase.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Connections on behalf of users ({@link LakebaseUserPools}) against a local Lakebase: users'
 * OAuth tokens as the workspace issues them, a role per user, row-level security by owner, and the
 * emulator's login front refusing a credential used for another role.
 */
class LakebaseUserPoolsIT {

	private static final Identity APPLICATION = Identity.servicePrincipal("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
			"application-secret");

	private static final Identity ALICE = Identity.user("alice@example.com", "dapi-alice-pat")
		.withFederatedIdToken(externalToken("alice@example.com"));

	private static final Identity BOB = Identity.user("bob@example.com", "dapi-bob-pat");

	private static final Identity WITHOUT_ROLE = Identity.user("carol@example.com", "dapi-carol-pat")
		.withoutPostgresRole();

	private static final Identity WITHOUT_WORKSPACE_ACCESS = Identity.user("dave@example.com", "dapi-dave-pat")
		.withoutWorkspaceAccess();

	private static final Identity OTHER_SERVICE_PRINCIPAL = Identity
		.servicePrincipal("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "other-secret");

	private static final int MANY_USERS = 200;

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(manyUsers(LocalLakebase.builder()
		.identity(APPLICATION)
		.identity(ALICE)
		.identity(BOB)
		.identity(WITHOUT_ROLE)
		.identity(WITHOUT_WORKSPACE_ACCESS)
		.identity(OTHER_SERVICE_PRINCIPAL)
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)));

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void notesWithRowLevelSecurity() throws SQLException {
		try (Connection connection = new LakebaseLoginDataSource(resolver(), credentials()).getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS user_note (id BIGINT GENERATED ALWAYS AS IDENTITY, "
					+ "owner TEXT NOT NULL DEFAULT current_user, title TEXT NOT NULL)");
			statement.execute("ALTER TABLE user_note ENABLE ROW LEVEL SECURITY");
			statement.execute("CREATE POLICY own_notes ON user_note USING (owner = current_user) "
					+ "WITH CHECK (owner = current_user)");
			statement.execute("GRANT SELECT, INSERT ON user_note TO PUBLIC");
		}
	}

	@BeforeEach
	void reset() {
		lakebase.get().stats().reset();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void twoUsersAtOnceEachSeeOnlyTheirOwnRoleAndRows() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		String alice = lakebase.get().issueAccessToken(ALICE, Duration.ofHours(1));
		String bob = lakebase.get().issueAccessToken(BOB, Duration.ofHours(1));
		ExecutorService threads = Executors.newFixedThreadPool(12);
		List<Future<Integer>> work = new ArrayList<>();
		for (int thread = 0; thread < 12; thread++) {
			boolean isAlice = thread % 2 == 0;
			String token = isAlice ? alice : bob;
			String email = isAlice ? ALICE.name() : BOB.name();
			work.add(threads.submit(() -> {
				int checked = 0;
				for (int i = 0; i < 15; i++) {
					try (Connection connection = pools.getConnection(token); Statement statement = connection.createStatement()) {
						assertThat(single(statement, "SELECT current_user")).isEqualTo(email);
						statement.execute("INSERT INTO user_note (title) VALUES ('note " + i + "')");
						try (ResultSet rows = statement.executeQuery("SELECT owner FROM user_note")) {
							while (rows.next()) {
								assertThat(rows.getString(1)).isEqualTo(email);
								checked++;
							}
						}
					}
				}
				return checked;
			}));
		}
		for (Future<Integer> done : work) {
			assertThat(done.get()).isPositive();
		}
		threads.shutdown();
		LakebaseUserPools.Status status = pools.status();
		assertThat(status.usersPooled()).isEqualTo(2);
		assertThat(status.identityLookups()).isEqualTo(2);
		// One credential per user per lifetime, minted with the user's own token.
		assertThat(status.credentialCalls()).isEqualTo(2);
		assertThat(lakebase.get().stats().credentialRequestsBy(ALICE.name())).isEqualTo(1);
		assertThat(lakebase.get().stats().credentialRequestsBy(BOB.name())).isEqualTo(1);
		assertThat(lakebase.get().stats().credentialRequestsBy(APPLICATION.name())).isZero();
		assertThat(status.connections()).isLessThanOrEqualTo(2 * LakebaseUserPools.DEFAULT_MAX_POOL_SIZE);
	}

	@Test
	void withoutAnAcceptedTokenNoConnectionIsOpened() {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		String revoked = lakebase.get().issueAccessToken(BOB, Duration.ofHours(1));
		lakebase.get().revokeAccessTokens(BOB.name());
		String expired = lakebase.get().issueAccessToken(ALICE, Duration.ofSeconds(-1));
		long loginsBefore = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected();
		for (String token : new String[] { null, "", "not-a-token", revoked, expired }) {
			assertThatExceptionOfType(LakebaseUserAccessException.class).isThrownBy(() -> pools.getConnection(token))
				.satisfies((ex) -> {
					assertThat(ex.getHttpStatus()).isEqualTo(401);
					if (token != null && !token.isEmpty()) {
						assertThat(ex.getMessage()).doesNotContain(token);
					}
				});
		}
		assertThat(lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected())
			.isEqualTo(loginsBefore);
		assertThat(lakebase.get().stats().credentialRequests()).isZero();
		assertThat(pools.status().usersPooled()).isZero();
	}

	@Test
	void aUserWithoutARoleOrWorkspaceAccessIsForbidden() {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		String withoutRole = lakebase.get().issueAccessToken(WITHOUT_ROLE, Duration.ofHours(1));
		assertThatExceptionOfType(LakebaseUserAccessException.class).isThrownBy(() -> pools.getConnection(withoutRole))
			.satisfies((ex) -> assertThat(ex.getHttpStatus()).isEqualTo(403))
			.withMessageContaining("databricks_create_role('carol@example.com', 'USER')");
		String withoutAccess = lakebase.get().issueAccessToken(WITHOUT_WORKSPACE_ACCESS, Duration.ofHours(1));
		assertThatExceptionOfType(LakebaseUserAccessException.class)
			.isThrownBy(() -> pools.getConnection(withoutAccess))
			.satisfies((ex) -> assertThat(ex.getHttpStatus()).isEqualTo(403));
		// Nothing logged in as the application instead.
		assertThat(lakebase.get().stats().loginsAccepted()).isZero();
	}

	@Test
	void theApplicationsOwnTokenOrAServicePrincipalsIsNeverAUsers() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		for (Identity principal : List.of(APPLICATION, OTHER_SERVICE_PRINCIPAL)) {
			String token = lakebase.get().issueAccessToken(principal, Duration.ofHours(1));
			assertThatExceptionOfType(LakebaseUserAccessException.class).isThrownBy(() -> pools.getConnection(token))
				.satisfies((ex) -> assertThat(ex.getHttpStatus()).isEqualTo(403));
		}
		assertThat(pools.status().usersPooled()).isZero();
		assertThat(lakebase.get().stats().credentialRequests()).isZero();
	}

	@Test
	void manyConcurrentFirstRequestsOfARefusedUserCostOneLogin() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		String token = lakebase.get().issueAccessToken(WITHOUT_ROLE, Duration.ofHours(1));
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<Integer>> statuses = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			statuses.add(threads.submit(() -> {
				try (Connection connection = pools.getConnection(token)) {
					return 200;
				}
				catch (LakebaseUserAccessException ex) {
					return ex.getHttpStatus();
				}
			}));
		}
		for (Future<Integer> status : statuses) {
			assertThat(status.get()).isEqualTo(403);
		}
		threads.shutdown();
		assertThat(lakebase.get().stats().loginsRejected()).isEqualTo(1);
	}

	@Test
	void aUsersTokenRotatingMidRunKeepsThemWorking() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		AtomicReference<String> current = new AtomicReference<>(
				lakebase.get().issueAccessToken(ALICE, Duration.ofSeconds(3)));
		AtomicInteger failures = new AtomicInteger();
		AtomicInteger queries = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
		for (int thread = 0; thread < 4; thread++) {
			threads.submit(() -> {
				while (System.nanoTime() - end < 0) {
					try (Connection connection = pools.getConnection(current.get());
							Statement statement = connection.createStatement()) {
						assertThat(single(statement, "SELECT current_user")).isEqualTo(ALICE.name());
						queries.incrementAndGet();
					}
					catch (Throwable ex) {
						failures.incrementAndGet();
					}
					Thread.sleep(10);
				}
				return null;
			});
		}
		// The app gets the user's next token before the first expires, as the Apps proxy hands it.
		Thread.sleep(1000);
		current.set(lakebase.get().issueAccessToken(ALICE, Duration.ofHours(1)));
		threads.shutdown();
		assertThat(threads.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(failures).hasValue(0);
		assertThat(queries.get()).isGreaterThan(40);
		assertThat(pools.status().usersPooled()).isEqualTo(1);
		assertThat(pools.status().identityLookups()).isEqualTo(2);
	}

	@Test
	void manyUsersInTurnStayWithinTheCaps() throws Exception {
		int maxUsers = 50;
		int maxConnections = 60;
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)
			.maxUsers(maxUsers)
			.maxPoolSize(2)
			.maxConnections(maxConnections)));
		// Four lanes of users in turn: the caps hold with new users arriving at once too.
		int lanes = 4;
		AtomicInteger mostPooled = new AtomicInteger();
		AtomicInteger mostConnections = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(lanes);
		List<Future<?>> work = new ArrayList<>();
		for (int lane = 0; lane < lanes; lane++) {
			int first = lane;
			work.add(threads.submit(() -> {
				for (int i = first; i < MANY_USERS; i += lanes) {
					Identity user = lakebase.get().identity(manyUser(i));
					String token = lakebase.get().issueAccessToken(user, Duration.ofHours(1));
					try (Connection connection = pools.getConnection(token);
							Statement statement = connection.createStatement()) {
						assertThat(single(statement, "SELECT current_user")).isEqualTo(user.name());
						mostPooled.accumulateAndGet(pools.status().usersPooled(), Math::max);
						mostConnections.accumulateAndGet(pools.status().connections(), Math::max);
					}
				}
				return null;
			}));
		}
		for (Future<?> done : work) {
			done.get();
		}
		threads.shutdown();
		assertThat(mostPooled).hasValue(maxUsers);
		assertThat(mostConnections.get()).isLessThanOrEqualTo(maxConnections);
		assertThat(pools.status().usersPooled()).isEqualTo(maxUsers);
		assertThat(pools.status().evictions()).isEqualTo(MANY_USERS - maxUsers);
		// Evicted pools close once their connections are back: their connections go too.
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(pools.status().connections()).isLessThanOrEqualTo(maxUsers));
	}

	@Test
	void idlePoolsCloseWithTheirConnections() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)
			.idleTimeout(Duration.ofSeconds(1))));
		for (Identity user : List.of(ALICE, BOB)) {
			try (Connection connection = pools.getConnection(lakebase.get().issueAccessToken(user, Duration.ofHours(1)))) {
				assertThat(connection.isValid(1)).isTrue();
			}
		}
		assertThat(pools.status().usersPooled()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(pools.status().usersPooled()).isZero();
			assertThat(pools.status().connections()).isZero();
		});
	}

	@Test
	void aConnectionHeldPastEvictionStaysUsableAndItsPoolClosesWhenItReturns() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)
			.maxUsers(1)));
		Connection held = pools.getConnection(lakebase.get().issueAccessToken(ALICE, Duration.ofHours(1)));
		try (Connection other = pools.getConnection(lakebase.get().issueAccessToken(BOB, Duration.ofHours(1)))) {
			assertThat(pools.status().evictions()).isEqualTo(1);
		}
		try (Statement statement = held.createStatement()) {
			assertThat(single(statement, "SELECT current_user")).isEqualTo(ALICE.name());
		}
		assertThat(pools.status().connections()).isEqualTo(2);
		held.close();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(pools.status().connections()).isEqualTo(1));
	}

	@Test
	void aConnectionClosedThroughItsStatementStillLetsItsPoolCloseAfterEviction() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)
			.maxUsers(1)
			.idleTimeout(Duration.ofSeconds(1))));
		Connection lent = pools.getConnection(lakebase.get().issueAccessToken(ALICE, Duration.ofHours(1)));
		Statement statement = lent.createStatement();
		// Back to the pool without closing what was lent: the lease is stale, not in use.
		statement.getConnection().close();
		try (Connection other = pools.getConnection(lakebase.get().issueAccessToken(BOB, Duration.ofHours(1)))) {
			assertThat(pools.status().evictions()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(pools.status().usersPooled()).isZero();
			assertThat(pools.status().connections()).isZero();
		});
		lent.close();
	}

	@Test
	void anExternalTokenIsExchangedForTheUsersDatabricksToken() throws Exception {
		LakebaseUserPools pools = track(pools(LakebaseUserPools.builder(resolver(), LakebaseUserPoolsIT::application)));
		LakebaseTokenExchange exchange = new LakebaseTokenExchange(LakebaseUserPoolsIT::application,
				LakebaseTokenExchange.DEFAULT_SCOPES);
		String databricksToken = exchange.exchange(externalToken(ALICE.name()));
		assertThat(exchange.exchange(externalToken(ALICE.name()))).isEqualTo(databricksToken);
		assertThat(lakebase.get().stats().requests("/oidc/v1/token")).isEqualTo(1);
		try (Connection connection = pools.getConnection(databricksToken);
				Statement statement = connection.createStatement()) {
			assertThat(single(statement, "SELECT current_user")).isEqualTo(ALICE.name());
		}
		assertThatExceptionOfType(LakebaseUserAccessException.class)
			.isThrownBy(() -> exchange.exchange(externalToken("mallory@example.com")))
			.satisfies((ex) -> assertThat(ex.getHttpStatus()).isEqualTo(401));
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static LakebaseUserPools pools(LakebaseUserPools.Builder builder) {
		return builder.build();
	}

	private static String single(Statement statement, String sql) throws SQLException {
		try (ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	// Made once: the application's client and its resolver, as an application holds them.
	private static WorkspaceClient applicationClient;

	private static LakebaseResolver applicationResolver;

	private static LakebaseCredentialCache applicationCredentials;

	static synchronized WorkspaceClient application() {
		if (applicationClient == null) {
			applicationClient = new WorkspaceClient(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(APPLICATION.name())
				.setClientSecret(APPLICATION.secret())
				.setHttpTimeoutSeconds(10));
		}
		return applicationClient;
	}

	static synchronized LakebaseResolver resolver() {
		if (applicationResolver == null) {
			applicationResolver = new LakebaseResolver(
					LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT))
						.port(lakebase.get().port())
						.sslRootCert(lakebase.get().caCertificate().toString())
						.build(),
					LakebaseUserPoolsIT::application);
		}
		return applicationResolver;
	}

	static synchronized LakebaseCredentialCache credentials() {
		if (applicationCredentials == null) {
			applicationCredentials = LakebaseCredentialCache
				.builder(LakebaseCredentialSource.forTarget(resolver().target(), LakebaseUserPoolsIT::application,
						LakebaseCredentialSource.MAXIMUM_LIFETIME))
				.build();
		}
		return applicationCredentials;
	}

	private static LocalLakebase.Builder manyUsers(LocalLakebase.Builder builder) {
		for (int i = 0; i < MANY_USERS; i++) {
			builder.identity(Identity.user(manyUser(i), "dapi-pat-" + i));
		}
		return builder;
	}

	private static String manyUser(int i) {
		return "user" + i + "@example.com";
	}

	// An identity provider's ID token (unsigned here: the workspace's federation policy decides).
	static String externalToken(String subject) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String claims = "{\"iss\":\"https://idp.example.com\",\"sub\":\"" + subject + "\",\"aud\":\"lakebase\","
				+ "\"exp\":4102444800}";
		return encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
	}

}
