package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.local.Faults;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.spring.boot4.autoconfigure.health.LakebaseHealthContributorAutoConfiguration;
import io.lakebase.spring.boot4.autoconfigure.health.LakebaseHealthIndicator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter under injected faults, in a real Boot context against a local Lakebase issuing
 * 5-second credentials: what keeps working, what fails and how clearly, and how it recovers. Each
 * test prints a {@code Resilience figures} line; docs/RELIABILITY.md collects them.
 */
class LakebaseResilienceTests {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void credentialApiOutage() {
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=4",
				"spring.datasource.hikari.connection-timeout=3000", "lakebase.credential.fetch-timeout=1s")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				LakebaseCredentialCache cache = context.getBean(LakebaseCredentialCache.class);
				LakebaseCredential valid = awaitFreshCredential(cache);
				lakebase.get().faults().apiOutage(true);
				// While the credential is valid (usable until 1 s before expiry): new logins keep working.
				Load whileValid = Load.run(lakebase.get(), 4, valid.expiresAt().minusMillis(1500), dataSource,
						LakebaseResilienceTests::whoAmI, Duration.ofMillis(700));
				assertThat(whileValid.failures()).as("failed queries while the credential is valid").isZero();
				assertThat(cache.status().expiresAt()).isEqualTo(valid.expiresAt());
				// Past expiry, the outage continuing: open connections serve, new ones fail clearly.
				sleepUntil(valid.expiresAt().plusMillis(500));
				for (int i = 0; i < 20; i++) {
					assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
				}
				dataSource.getHikariPoolMXBean().softEvictConnections();
				assertThatExceptionOfType(SQLException.class).isThrownBy(dataSource::getConnection)
					.withStackTraceContaining("No Lakebase database credential within PT1S");
				Instant restored = Instant.now();
				lakebase.get().faults().apiOutage(false);
				awaitNewConnection(dataSource);
				Duration recovery = Duration.between(restored, Instant.now());
				// The SDK retries a 503 for up to 7 s (1 + 2 + 4 s) and the cache backs off 1 s, doubling.
				assertThat(recovery).isLessThan(Duration.ofSeconds(15));
				figures("credential API outage: %d queries and %d logins while valid, 0 failed; recovery %d ms after the API returned",
						whileValid.operations(), whileValid.logins(), recovery.toMillis());
			});
	}

	@Test
	void throttlingStormIsHonouredWithoutAThunderingHerd() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.fail-fast=false",
				"spring.datasource.hikari.maximum-pool-size=16", "spring.datasource.hikari.connection-timeout=30000")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				long callsBefore = lakebase.get().stats().credentialRequests();
				int throttled = 6;
				lakebase.get().faults().failNextCredentialRequests(throttled, 429, Duration.ofSeconds(1));
				Instant start = Instant.now();
				// Sixteen threads want a connection at once, on a cold cache, under a 429 storm.
				Load storm = Load.run(lakebase.get(), 16, start.plusSeconds(12), dataSource, LakebaseResilienceTests::whoAmI, null);
				long calls = lakebase.get().stats().credentialRequests() - callsBefore;
				assertThat(storm.failures()).as("failed queries").isZero();
				// One caller's worth of calls: the throttled ones, the successful one, and at most one
				// refresh of the 5 s credential during the run per 2 s.
				assertThat(calls).as("credential calls")
					.isLessThanOrEqualTo(throttled + 1 + 12_000 / earliestRefresh().toMillis());
				assertThat(storm.firstSuccess()).as("first success")
					.isAfter(start.plusSeconds(throttled - 1));
				figures("429 storm (%d throttled calls, Retry-After 1 s), 16 threads: %d credential calls, first connection after %d ms, %d queries, 0 failed",
						throttled, calls, Duration.between(start, storm.firstSuccess()).toMillis(), storm.operations());
			});
	}

	/**
	 * Proves two things about a PostgreSQL restart under eight concurrent writers: no write whose
	 * INSERT returned is missing afterwards (the pool never acknowledges a write the database did
	 * not commit), and writing resumes by itself through new logins. Writes in flight during the
	 * restart may fail; they are counted, not hidden.
	 */
	@Test
	void databaseRestartMidLoadLosesNoAcknowledgedWrite() {
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=8",
				"spring.datasource.hikari.connection-timeout=10000")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				jdbc.execute("CREATE TABLE IF NOT EXISTS acknowledged_writes (id bigint PRIMARY KEY)");
				AtomicLong ids = new AtomicLong();
				Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
				Instant end = Instant.now().plusSeconds(12);
				ExecutorService restarter = Executors.newSingleThreadExecutor();
				Future<?> restart = restarter.submit(() -> {
					Thread.sleep(3000);
					lakebase.get().faults().restartDatabase();
					return null;
				});
				Load load = Load.run(lakebase.get(), 8, end, dataSource, (source) -> {
					long id = ids.incrementAndGet();
					try (Connection connection = source.getConnection();
							Statement statement = connection.createStatement()) {
						statement.executeUpdate("INSERT INTO acknowledged_writes VALUES (" + id + ")");
					}
					acknowledged.add(id);
					return null;
				}, null);
				restart.get(30, TimeUnit.SECONDS);
				restarter.shutdown();
				Set<Long> stored = Set.copyOf(jdbc.queryForList("SELECT id FROM acknowledged_writes", Long.class));
				Set<Long> lost = new HashSet<>(acknowledged);
				lost.removeAll(stored);
				assertThat(lost).as("acknowledged writes missing from the table").isEmpty();
				assertThat(load.lastSuccess()).as("writes resumed after the restart").isAfter(end.minusSeconds(2));
				figures("database restart under 8 writers: %d acknowledged writes, %d stored, 0 lost; %d writes failed during the restart",
						acknowledged.size(), stored.size(), load.failures());
			});
	}

	@Test
	void scaleToZeroIsInvisibleToTheNextRequest() {
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=4",
				"spring.datasource.hikari.minimum-idle=4")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				for (int i = 0; i < 8; i++) {
					whoAmI(dataSource);
				}
				// A full pool, so that no background fill resumes the compute before the request does.
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> dataSource.getHikariPoolMXBean().getIdleConnections() == 4);
				long loginsBefore = lakebase.get().stats().loginsAccepted();
				lakebase.get().faults().suspendCompute();
				assertThat(lakebase.get().isSuspended()).isTrue();
				// Compute suspends after minutes of inactivity: the pooled connections have been idle
				// for longer than Hikari's 500 ms bypass, so the pool validates them on borrow.
				Thread.sleep(1000);
				long start = System.nanoTime();
				assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
				long firstRequestMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(lakebase.get().isSuspended()).isFalse();
				assertThat(lakebase.get().stats().loginsAccepted()).as("logins after the suspend").isGreaterThan(loginsBefore);
				for (int i = 0; i < 8; i++) {
					whoAmI(dataSource);
				}
				figures("scale to zero: pooled connections closed by the suspend; first request succeeded in %d ms (resume included), 0 errors",
						firstRequestMillis);
			});
	}

	@Test
	void tokenExpiryUnderChurn() {
		Duration runTime = Duration.ofSeconds(20);
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=16")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				long callsBefore = lakebase.get().stats().credentialRequests();
				// Hikari floors maxLifetime at 30 s: a 2 s connection lifetime is emulated by evicting
				// every connection every 2 s, which makes each one reconnect with the current credential.
				Load load = Load.run(lakebase.get(), 16, Instant.now().plus(runTime), dataSource, LakebaseResilienceTests::whoAmI,
						Duration.ofSeconds(2));
				long calls = lakebase.get().stats().credentialRequests() - callsBefore;
				assertThat(load.failures()).as("failed queries").isZero();
				long bound = runTime.toMillis() / earliestRefresh().toMillis() + 2;
				assertThat(calls).as("credential calls").isLessThanOrEqualTo(bound);
				assertThat(load.logins()).as("physical logins").isGreaterThan(calls);
				figures("churn, 16 workers, 20 s, 5 s credentials, connections renewed every 2 s: %d queries, 0 failed, %d physical logins, %d credential calls (bound %d)",
						load.operations(), load.logins(), calls, bound);
			});
	}

	@Test
	void slowCredentialApiDoesNotSlowConnectionAcquisition() {
		// 20 s credentials are refreshed 8 to 10 s after they are obtained: a 3 s call ends well
		// before the old one leaves its usable time (16 s).
		Duration latency = Duration.ofSeconds(3);
		try (LocalLakebase slow = LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(20)).start()) {
			contextRunner(slow).withPropertyValues("spring.datasource.hikari.maximum-pool-size=8").run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				Load baseline = Load.run(slow, 2, Instant.now().plusSeconds(3), dataSource,
						LakebaseResilienceTests::whoAmI, Duration.ofMillis(500));
				slow.faults().credentialLatency(latency);
				long callsBefore = slow.stats().credentialRequests();
				Load withSlowApi = Load.run(slow, 2, Instant.now().plusSeconds(12), dataSource,
						LakebaseResilienceTests::whoAmI, Duration.ofMillis(500));
				long slowCalls = slow.stats().credentialRequests() - callsBefore;
				assertThat(slowCalls).as("slow refreshes during the run").isPositive();
				assertThat(withSlowApi.failures()).isZero();
				// A caller that waited for the API would have waited its whole latency.
				assertThat(withSlowApi.longestAcquisition()).as("longest acquisition").isLessThan(latency);
				figures("slow credential API (%d s), 2 workers, every connection renewed every 500 ms: longest "
						+ "acquisition %d ms (baseline %d ms), p50/p99 %d/%d ms, %d acquisitions, %d slow refreshes, "
						+ "0 failed", latency.toSeconds(), withSlowApi.longestAcquisition().toMillis(),
						baseline.longestAcquisition().toMillis(), withSlowApi.acquisitionPercentile(50).toMillis(),
						withSlowApi.acquisitionPercentile(99).toMillis(), withSlowApi.acquisitionNanos().length,
						slowCalls);
			});
		}
	}

	@Test
	void rejectedCredentialIsReplacedOnceThenFailsClearly() {
		// A one-second refresh window leaves room between a quarter of the credential's life (when a
		// refused credential becomes worth replacing) and its refresh.
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=2",
				"spring.datasource.hikari.connection-timeout=3000", "lakebase.credential.refresh-before=1s")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				LakebaseCredentialCache cache = context.getBean(LakebaseCredentialCache.class);
				LakebaseCredential revoked = awaitFreshCredential(cache);
				sleepUntil(cache.status().lastRefresh().plusMillis(1500));
				long callsBefore = lakebase.get().stats().credentialRequests();
				long rejectedBefore = lakebase.get().stats().loginsRejected();
				assertThat(lakebase.get().revokeTokens(lakebase.get().defaultIdentity().name())).isPositive();
				dataSource.getHikariPoolMXBean().softEvictConnections();
				assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
				assertThat(lakebase.get().stats().loginsRejected() - rejectedBefore).isEqualTo(1);
				assertThat(lakebase.get().stats().credentialRequests() - callsBefore).isEqualTo(1);
				assertThat(cache.status().expiresAt()).isAfter(revoked.expiresAt());
				// Every login refused: one retry with a fresh credential, then a clear failure.
				sleepUntil(cache.status().lastRefresh().plusMillis(1500));
				lakebase.get().faults().rejectLogins(true);
				dataSource.getHikariPoolMXBean().softEvictConnections();
				long callsBeforeRefusal = lakebase.get().stats().credentialRequests();
				assertThatExceptionOfType(SQLException.class).isThrownBy(dataSource::getConnection)
					.withStackTraceContaining("password authentication failed");
				long callsDuringRefusal = lakebase.get().stats().credentialRequests() - callsBeforeRefusal;
				// A credential younger than a quarter of its life (1.25 s) is not replaced: during Hikari's
				// 3 s connection timeout that allows a fresh credential about every 1.25 s, plus a refresh.
				assertThat(callsDuringRefusal).isLessThanOrEqualTo(5);
				figures("revoked credential: 1 rejected login, 1 new credential, the query succeeded; logins refused for good: failed after %d credential calls with 'password authentication failed'",
						callsDuringRefusal);
			});
	}

	@Test
	void deployStormOfFiftyContextsAgainstAThrottledCredentialApi() throws Exception {
		// A fleet deployed at once against an API that serves five calls a second.
		Storm storm = deployStorm(50, (faults) -> faults.limitCredentialRate(5, Duration.ofSeconds(1)));
		// Each context: at most two SDK calls of four attempts each per startup backoff step.
		assertThat(storm.maxCalls()).as("credential calls of the busiest context").isLessThanOrEqualTo(60);
		figures("deploy storm: %d contexts started at once against a credential API limited to 5 calls/s "
				+ "(429, Retry-After 1 s): all up in %d ms; credential calls %.1f per context on average, %d at most",
				storm.contexts(), storm.allUp().toMillis(), storm.averageCalls(), storm.maxCalls());
	}

	@Test
	void deployStormWaitsNoLongerThanTheApisRateRequires() throws Exception {
		// Eight instances against an API allowing one call every five seconds, which tells each
		// throttled caller to come back in five: the API alone needs 7 x 5 s = 35 s to serve them all.
		Duration period = Duration.ofSeconds(5);
		int contexts = 8;
		Storm storm = deployStorm(contexts, (faults) -> faults.limitCredentialRate(1, period, period),
				"lakebase.startup-timeout=120s");
		Duration required = period.multipliedBy(contexts - 1);
		assertThat(storm.allUp()).as("all up")
			.isLessThanOrEqualTo(required.plus(period).multipliedBy(3).dividedBy(2));
		figures("deploy storm: %d contexts started at once against a credential API allowing 1 call per %d s (429, "
				+ "Retry-After %d s): all up in %d ms where the API's rate alone needs %d s (ratio %.2f); "
				+ "credential calls %.1f per context on average, %d at most", contexts, period.toSeconds(),
				period.toSeconds(), storm.allUp().toMillis(), required.toSeconds(),
				storm.allUp().toMillis() / (double) required.toMillis(), storm.averageCalls(), storm.maxCalls());
	}

	private Storm deployStorm(int contexts, Consumer<Faults> limit,
			String... properties) throws Exception {
		LocalLakebase.Builder builder = LocalLakebase.builder();
		List<Identity> identities = new ArrayList<>();
		for (int i = 0; i < contexts; i++) {
			Identity identity = Identity.servicePrincipal(UUID.nameUUIDFromBytes(("storm-" + i).getBytes()).toString(),
					"storm-secret-" + i);
			identities.add(identity);
			builder.identity(identity);
		}
		try (LocalLakebase storm = builder.start()) {
			limit.accept(storm.faults());
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService starters = Executors.newFixedThreadPool(contexts);
			List<Future<Duration>> started = new ArrayList<>();
			try {
				for (Identity identity : identities) {
					started.add(starters.submit(() -> {
						go.await();
						long start = System.nanoTime();
						Duration[] up = new Duration[1];
						contextRunner(storm, identity).withPropertyValues("spring.datasource.hikari.maximum-pool-size=1")
							.withPropertyValues(properties)
							.run((context) -> {
								assertThat(context).hasNotFailed();
								assertThat(whoAmI(context.getBean(HikariDataSource.class))).isEqualTo(identity.name());
								up[0] = Duration.ofNanos(System.nanoTime() - start);
							});
						return up[0];
					}));
				}
				go.countDown();
				Duration allUp = Duration.ZERO;
				for (Future<Duration> start : started) {
					Duration up = start.get(180, TimeUnit.SECONDS);
					assertThat(up).as("context started and queried").isNotNull();
					allUp = (up.compareTo(allUp) > 0) ? up : allUp;
				}
				long maxCalls = identities.stream()
					.mapToLong((identity) -> storm.stats().credentialRequestsBy(identity.name()))
					.max()
					.orElseThrow();
				return new Storm(contexts, allUp, storm.stats().credentialRequests() / (double) contexts, maxCalls);
			}
			finally {
				starters.shutdownNow();
			}
		}
	}

	private record Storm(int contexts, Duration allUp, double averageCalls, long maxCalls) {
	}

	@Test
	void newConnectionsRecoverWithinSecondsAfterAnOutageThatGrewTheBackoff() {
		// 500s, which the SDK does not retry: the cache's background backoff grows past 10 s, beyond
		// the 5 s that bounds attempts while callers wait. (The one-minute cap itself is reached on
		// simulated time, in LakebaseCredentialCacheTests.)
		Duration outage = Duration.ofSeconds(25);
		contextRunner(lakebase.get()).withPropertyValues("spring.datasource.hikari.maximum-pool-size=2",
				"spring.datasource.hikari.connection-timeout=2000", "lakebase.credential.fetch-timeout=1s")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				LakebaseCredentialCache cache = context.getBean(LakebaseCredentialCache.class);
				awaitFreshCredential(cache);
				lakebase.get().faults().apiOutage(true, 500);
				Instant end = Instant.now().plus(outage);
				long failedDuringOutage = 0;
				while (Instant.now().isBefore(end)) {
					dataSource.getHikariPoolMXBean().softEvictConnections();
					try {
						whoAmI(dataSource);
					}
					catch (Exception ex) {
						failedDuringOutage++;
					}
					Thread.sleep(1000);
				}
				assertThat(cache.status().usable()).as("credential usable after the outage").isFalse();
				long callsDuringOutage = lakebase.get().stats().credentialRequests();
				lakebase.get().faults().apiOutage(false);
				Instant restored = Instant.now();
				dataSource.getHikariPoolMXBean().softEvictConnections();
				awaitNewConnection(dataSource);
				Duration recovery = Duration.between(restored, Instant.now());
				// Callers' attempts are at most five seconds apart (plus jitter and the call itself):
				// seconds, where the background backoff alone would have been up to a minute.
				assertThat(recovery).isLessThan(Duration.ofSeconds(10));
				figures("outage of %d s (500s, background backoff grown past 10 s): %d new-connection attempts failed "
						+ "during it, %d credential calls; first new connection %d ms after the API returned",
						outage.toSeconds(), failedDuringOutage, callsDuringOutage, recovery.toMillis());
			});
	}

	@Test
	void healthIsUpWithinSecondsOfARevocationWithAFullIdlePool() {
		contextRunner(lakebase.get()).withConfiguration(AutoConfigurations.of(LakebaseHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.minimum-idle=4")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				LakebaseHealthIndicator health = context.getBean(LakebaseHealthIndicator.class);
				whoAmI(dataSource);
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> dataSource.getHikariPoolMXBean().getIdleConnections() == 4);
				long loginsBefore = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected();
				lakebase.get().revokeTokens(lakebase.get().defaultIdentity().name());
				Instant revoked = Instant.now();
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(100))
					.until(() -> health.health(true).getStatus().equals(Status.UP));
				Duration upAgain = Duration.between(revoked, Instant.now());
				long probes = 0;
				for (; probes < 100; probes++) {
					assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
				}
				long probeLogins = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected()
						- loginsBefore;
				assertThat(probeLogins).as("physical logins made by 101+ health checks").isZero();
				assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
				figures("revoked credential with a full idle pool: health UP %d ms after the revocation; %d health checks made %d physical logins",
						upAgain.toMillis(), probes + 1, probeLogins);
			});
	}

	@Test
	void withoutFailFastTheContextStartsWhileTheWorkspaceIsDown() {
		lakebase.get().faults().workspaceOutage(true);
		lakebase.get().stats().reset();
		contextRunner(lakebase.get()).withPropertyValues("lakebase.fail-fast=false",
				"spring.datasource.hikari.connection-timeout=30000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(lakebase.get().stats().requestLog()).as("workspace requests during start").isEmpty();
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				ExecutorService request = Executors.newSingleThreadExecutor();
				try {
					Future<String> firstRequest = request.submit(() -> whoAmI(dataSource));
					Thread.sleep(3000);
					lakebase.get().faults().workspaceOutage(false);
					Instant restored = Instant.now();
					assertThat(firstRequest.get(60, TimeUnit.SECONDS)).isEqualTo(lakebase.get().defaultIdentity().name());
					figures("fail-fast=false with the workspace down at start: context up with 0 workspace requests; "
							+ "the first request, made during the outage, succeeded %d ms after the workspace returned",
							Duration.between(restored, Instant.now()).toMillis());
				}
				finally {
					request.shutdownNow();
				}
			});
	}

	@Test
	void aLargeRetryAfterIsHonouredAndNamedWithoutBlockingNewConnections() {
		// Hikari retries the login until its connection timeout: logins at 0, 3 and 6 s; those after
		// the first call was abandoned learn the Retry-After.
		contextRunner(lakebase.get()).withPropertyValues("lakebase.fail-fast=false", "lakebase.credential.fetch-timeout=3s",
				"spring.datasource.hikari.connection-timeout=10000")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				// The SDK sleeps through Retry-After on the calling thread, whatever its length.
				long callsBefore = lakebase.get().stats().requests("/api/2.0/postgres/credentials");
				lakebase.get().faults().failNextCredentialRequests(1, 429, Duration.ofSeconds(300));
				Instant start = Instant.now();
				// The call is abandoned after the 3 s fetch timeout; the workspace asked for no call
				// within five minutes, so none is made and the connection fails within its timeout.
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> whoAmI(dataSource))
					.satisfies((ex) -> assertThat(causes(ex)).contains("Retry-After"));
				Duration took = Duration.between(start, Instant.now());
				assertThat(took).isLessThan(Duration.ofSeconds(20));
				assertThat(lakebase.get().stats().requests("/api/2.0/postgres/credentials") - callsBefore)
					.as("credential calls").isEqualTo(1);
				figures("429 with Retry-After: 300 on a cold cache: the connection failed after %d ms (fetch-timeout 3 s, "
						+ "connection-timeout 10 s) naming the Retry-After; 1 credential call", took.toMillis());
			});
	}

	private static ApplicationContextRunner contextRunner(LocalLakebase target) {
		return contextRunner(target, target.defaultIdentity());
	}

	private static ApplicationContextRunner contextRunner(LocalLakebase target, Identity identity) {
		return new ApplicationContextRunner()
			.withConfiguration(new Boot4Line().lakebaseDataSource())
			.withInitializer((context) -> TestPropertyValues.of(target.springProperties(identity)).applyTo(context));
	}

	private static Duration earliestRefresh() {
		return LakebaseRotationIntegrationTests.earliestRefresh(TOKEN_LIFETIME);
	}

	private static LakebaseCredential awaitFreshCredential(LakebaseCredentialCache cache) {
		// Starts the scenario just after a refresh, so that its timeline is known.
		Instant first = cache.get().expiresAt();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cache.status().expiresAt().isAfter(first));
		return cache.get();
	}

	private static String causes(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static void awaitNewConnection(HikariDataSource dataSource) {
		Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				return whoAmI(dataSource) != null;
			}
			catch (Exception ex) {
				return false;
			}
		});
	}

	static String whoAmI(DataSource dataSource) throws Exception {
		return AbstractLakebaseIntegrationTests.whoAmI(dataSource)[0];
	}

	private static void sleepUntil(Instant time) throws InterruptedException {
		long millis = Duration.between(Instant.now(), time).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}

	private static void figures(String format, Object... arguments) {
		System.out.println("Resilience figures: " + String.format(format, arguments));
	}

	@FunctionalInterface
	interface Operation {

		Object run(DataSource dataSource) throws Exception;

	}

	/**
	 * Workers running an operation until a deadline, optionally with the pool evicted at an
	 * interval, counting operations, failures and physical logins, and timing every acquisition.
	 */
	record Load(long operations, long failures, long logins, long[] acquisitionNanos, Instant firstSuccess,
			Instant lastSuccess) {

		static Load run(LocalLakebase target, int workers, Instant end, HikariDataSource dataSource,
				Operation operation, Duration evictEvery) throws Exception {
			long loginsBefore = target.stats().loginsAccepted();
			AtomicLong operations = new AtomicLong();
			AtomicLong failures = new AtomicLong();
			Queue<Long> acquisitions = new ConcurrentLinkedQueue<>();
			AtomicReference<Instant> firstSuccess = new AtomicReference<>(Instant.MAX);
			AtomicReference<Instant> lastSuccess = new AtomicReference<>(Instant.MIN);
			DataSource timed = new TimedDataSource(dataSource, acquisitions);
			ExecutorService executor = Executors.newFixedThreadPool(workers + 1);
			try {
				List<Future<?>> running = new ArrayList<>();
				for (int i = 0; i < workers; i++) {
					running.add(executor.submit(() -> {
						while (Instant.now().isBefore(end)) {
							try {
								operation.run(timed);
								operations.incrementAndGet();
								Instant now = Instant.now();
								firstSuccess.compareAndSet(Instant.MAX, now);
								lastSuccess.set(now);
							}
							catch (Exception ex) {
								failures.incrementAndGet();
							}
						}
						return null;
					}));
				}
				if (evictEvery != null) {
					executor.submit(() -> {
						while (Instant.now().plus(evictEvery).isBefore(end)) {
							Thread.sleep(evictEvery.toMillis());
							dataSource.getHikariPoolMXBean().softEvictConnections();
						}
						return null;
					});
				}
				for (Future<?> worker : running) {
					worker.get(Duration.between(Instant.now(), end).getSeconds() + 60, TimeUnit.SECONDS);
				}
			}
			finally {
				executor.shutdownNow();
			}
			long[] nanos = acquisitions.stream().mapToLong(Long::longValue).sorted().toArray();
			return new Load(operations.get(), failures.get(), target.stats().loginsAccepted() - loginsBefore,
					nanos, firstSuccess.get(), lastSuccess.get());
		}

		Duration longestAcquisition() {
			return (this.acquisitionNanos.length == 0) ? Duration.ZERO
					: Duration.ofNanos(this.acquisitionNanos[this.acquisitionNanos.length - 1]);
		}

		Duration acquisitionPercentile(int percentile) {
			if (this.acquisitionNanos.length == 0) {
				return Duration.ZERO;
			}
			int rank = (int) Math.ceil(percentile / 100.0 * this.acquisitionNanos.length) - 1;
			return Duration.ofNanos(this.acquisitionNanos[Math.max(0, rank)]);
		}

	}

	/**
	 * Times every connection acquisition.
	 */
	static final class TimedDataSource extends DelegatingDataSource {

		private final Queue<Long> acquisitionNanos;

		TimedDataSource(DataSource target, Queue<Long> acquisitionNanos) {
			super(target);
			this.acquisitionNanos = acquisitionNanos;
		}

		@Override
		public Connection getConnection() throws SQLException {
			long start = System.nanoTime();
			Connection connection = super.getConnection();
			this.acquisitionNanos.add(System.nanoTime() - start);
			return connection;
		}

	}

}
