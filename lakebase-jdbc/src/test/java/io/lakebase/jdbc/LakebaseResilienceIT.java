package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lakebase.jdbc.ScenarioLoad.Load;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.lakebase.jdbc.ScenarioLoad.awaitFreshCredential;
import static io.lakebase.jdbc.ScenarioLoad.dataSource;
import static io.lakebase.jdbc.ScenarioLoad.figures;
import static io.lakebase.jdbc.ScenarioLoad.sleepUntil;
import static io.lakebase.jdbc.ScenarioLoad.whoAmI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The core under injected faults, a real Hikari pool over the login data source against a local
 * Lakebase issuing 5-second credentials: what keeps working, what fails and how clearly, and how it
 * recovers. Nothing here depends on Spring, so the scenarios run once, here; both Boot lines build
 * the same pipeline. Each test prints a {@code Resilience figures} line; docs/RELIABILITY.md collects
 * them.
 */
class LakebaseResilienceIT {

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
	void throttlingStormIsHonouredWithoutAThunderingHerd() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(16);
			pool.setConnectionTimeout(30000);
		})) {
			long callsBefore = lakebase.get().stats().credentialRequests();
			int throttled = 6;
			lakebase.get().faults().failNextCredentialRequests(throttled, 429, Duration.ofSeconds(1));
			Instant start = Instant.now();
			// Sixteen threads want a connection at once, on a cold cache, under a 429 storm.
			Load storm = Load.run(lakebase.get(), 16, start.plusSeconds(10), dataSource, ScenarioLoad::whoAmI, null);
			long calls = lakebase.get().stats().credentialRequests() - callsBefore;
			assertThat(storm.failures()).as(storm::failed).isZero();
			// One caller's worth of calls: the throttled ones, the successful one, and at most one
			// refresh of the 5 s credential during the run per 2 s.
			assertThat(calls).as("credential calls")
				.isLessThanOrEqualTo(throttled + 1 + 10_000 / earliestRefresh().toMillis());
			assertThat(storm.firstSuccess()).as("first success").isAfter(start.plusSeconds(throttled - 1));
			figures("429 storm (%d throttled calls, Retry-After 1 s), 16 threads: %d credential calls, first connection after %d ms, %d queries, 0 failed",
					throttled, calls, Duration.between(start, storm.firstSuccess()).toMillis(), storm.operations());
		}
	}

	/**
	 * Proves two things about a PostgreSQL restart under eight concurrent writers: no write whose
	 * INSERT returned is missing afterwards (the pool never acknowledges a write the database did
	 * not commit), and writing resumes by itself through new logins. Writes in flight during the
	 * restart may fail; they are counted, not hidden.
	 */
	@Test
	void databaseRestartMidLoadLosesNoAcknowledgedWrite() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(8);
			pool.setConnectionTimeout(10000);
		})) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS acknowledged_writes (id bigint PRIMARY KEY)");
			}
			AtomicLong ids = new AtomicLong();
			Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
			Instant end = Instant.now().plusSeconds(10);
			ExecutorService restarter = Executors.newSingleThreadExecutor();
			Future<?> restart = restarter.submit(() -> {
				Thread.sleep(3000);
				lakebase.get().faults().restartDatabase();
				return null;
			});
			Load load = Load.run(lakebase.get(), 8, end, dataSource, (source) -> {
				long id = ids.incrementAndGet();
				try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
					statement.executeUpdate("INSERT INTO acknowledged_writes VALUES (" + id + ")");
				}
				acknowledged.add(id);
				return null;
			}, null);
			restart.get(30, TimeUnit.SECONDS);
			restarter.shutdown();
			Set<Long> stored = new HashSet<>();
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement();
					var result = statement.executeQuery("SELECT id FROM acknowledged_writes")) {
				while (result.next()) {
					stored.add(result.getLong(1));
				}
			}
			Set<Long> lost = new HashSet<>(acknowledged);
			lost.removeAll(stored);
			assertThat(lost).as("acknowledged writes missing from the table").isEmpty();
			assertThat(load.lastSuccess()).as("writes resumed after the restart").isAfter(end.minusSeconds(2));
			figures("database restart under 8 writers: %d acknowledged writes, %d stored, 0 lost; %d writes failed during the restart",
					acknowledged.size(), stored.size(), load.failures());
		}
	}

	@Test
	void scaleToZeroIsInvisibleToTheNextRequest() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(4);
			pool.setMinimumIdle(4);
		})) {
			for (int i = 0; i < 8; i++) {
				whoAmI(dataSource);
			}
			// A full pool, so that no background fill resumes the compute before the request does.
			Awaitility.await()
				.atMost(Duration.ofSeconds(15))
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
		}
	}

	@Test
	void tokenExpiryUnderChurn() throws Exception {
		Duration runTime = Duration.ofSeconds(12);
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> pool.setMaximumPoolSize(16))) {
			long callsBefore = lakebase.get().stats().credentialRequests();
			// Hikari floors maxLifetime at 30 s: a 2 s connection lifetime is emulated by evicting
			// every connection every 2 s, which makes each one reconnect with the current credential.
			Load load = Load.run(lakebase.get(), 16, Instant.now().plus(runTime), dataSource, ScenarioLoad::whoAmI,
					Duration.ofSeconds(2));
			long calls = lakebase.get().stats().credentialRequests() - callsBefore;
			assertThat(load.failures()).as(load::failed).isZero();
			long bound = runTime.toMillis() / earliestRefresh().toMillis() + 2;
			assertThat(calls).as("credential calls").isLessThanOrEqualTo(bound);
			assertThat(load.logins()).as("physical logins").isGreaterThan(calls);
			figures("churn, 16 workers, %d s, 5 s credentials, connections renewed every 2 s: %d queries, 0 failed, %d physical logins, %d credential calls (bound %d)",
					runTime.toSeconds(), load.operations(), load.logins(), calls, bound);
		}
	}

	@Test
	void rejectedCredentialIsReplacedOnceThenFailsClearly() throws Exception {
		// A one-second refresh window leaves room between a quarter of the credential's life (when a
		// refused credential becomes worth replacing) and its refresh.
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(2);
			pool.setConnectionTimeout(3000);
		}, (credentials) -> credentials.refreshBefore(Duration.ofSeconds(1)))) {
			LakebaseCredentialCache cache = dataSource.logins().credentials();
			whoAmI(dataSource);
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
		}
	}

	@Test
	void healthIsUpWithinSecondsOfARevocationWithAFullIdlePool() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(4);
			pool.setMinimumIdle(4);
		})) {
			whoAmI(dataSource);
			Awaitility.await()
				.atMost(Duration.ofSeconds(15))
				.until(() -> dataSource.getHikariPoolMXBean().getIdleConnections() == 4);
			long loginsBefore = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected();
			lakebase.get().revokeTokens(lakebase.get().defaultIdentity().name());
			Instant revoked = Instant.now();
			Duration timeout = Duration.ofSeconds(2);
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> dataSource.health(timeout).up());
			Duration upAgain = Duration.between(revoked, Instant.now());
			long probes = 0;
			for (; probes < 100; probes++) {
				assertThat(dataSource.health(timeout).up()).isTrue();
			}
			long probeLogins = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected()
					- loginsBefore;
			assertThat(probeLogins).as("physical logins made by 101+ health checks").isZero();
			assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
			figures("revoked credential with a full idle pool: health UP %d ms after the revocation; %d health checks made %d physical logins",
					upAgain.toMillis(), probes + 1, probeLogins);
		}
	}

	private static Duration earliestRefresh() {
		return ScenarioLoad.earliestRefresh(TOKEN_LIFETIME);
	}

}
