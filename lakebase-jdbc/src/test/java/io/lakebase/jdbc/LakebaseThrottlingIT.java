package io.lakebase.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.lakebase.jdbc.ScenarioLoad.Load;
import io.lakebase.local.Faults;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.lakebase.jdbc.ScenarioLoad.causes;
import static io.lakebase.jdbc.ScenarioLoad.dataSource;
import static io.lakebase.jdbc.ScenarioLoad.figures;
import static io.lakebase.jdbc.ScenarioLoad.whoAmI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A slow, throttled or rate-limited credential API, and fleets started against it at once: each
 * instance runs the startup check Boot's {@code lakebase.fail-fast} runs
 * ({@link LakebaseDataSource#verify}), then queries. Each test prints a {@code Resilience figures}
 * line; docs/RELIABILITY.md collects them.
 */
class LakebaseThrottlingIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(5)));

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void slowCredentialApiDoesNotSlowConnectionAcquisition() throws Exception {
		// 20 s credentials are refreshed 8 to 10 s after they are obtained: a 3 s call ends well
		// before the old one leaves its usable time (16 s).
		Duration latency = Duration.ofSeconds(3);
		try (LocalLakebase slow = LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(20)).start();
				LakebaseDataSource dataSource = dataSource(slow, (pool) -> pool.setMaximumPoolSize(8))) {
			Load baseline = Load.run(slow, 2, Instant.now().plusSeconds(3), dataSource, ScenarioLoad::whoAmI,
					Duration.ofMillis(500));
			slow.faults().credentialLatency(latency);
			long callsBefore = slow.stats().credentialRequests();
			Load withSlowApi = Load.run(slow, 2, Instant.now().plusSeconds(12), dataSource, ScenarioLoad::whoAmI,
					Duration.ofMillis(500));
			long slowCalls = slow.stats().credentialRequests() - callsBefore;
			assertThat(slowCalls).as("slow refreshes during the run").isPositive();
			assertThat(withSlowApi.failures()).as(withSlowApi::failed).isZero();
			// A caller that waited for the API would have waited its whole latency.
			assertThat(withSlowApi.longestAcquisition()).as("longest acquisition").isLessThan(latency);
			figures("slow credential API (%d s), 2 workers, every connection renewed every 500 ms: longest "
					+ "acquisition %d ms (baseline %d ms), p50/p99 %d/%d ms, %d acquisitions, %d slow refreshes, "
					+ "0 failed", latency.toSeconds(), withSlowApi.longestAcquisition().toMillis(),
					baseline.longestAcquisition().toMillis(), withSlowApi.acquisitionPercentile(50).toMillis(),
					withSlowApi.acquisitionPercentile(99).toMillis(), withSlowApi.acquisitionNanos().length, slowCalls);
		}
	}

	@Test
	void aLargeRetryAfterIsHonouredAndNamedWithoutBlockingNewConnections() throws Exception {
		// Hikari retries the login until its connection timeout: logins at 0, 3 and 6 s; those after
		// the first call was abandoned learn the Retry-After.
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(),
				(pool) -> {
					pool.setConnectionTimeout(10000);
					// Started without a connection, as a pool is once the application is up: every
					// request waits up to the connection timeout while the pool keeps trying.
					pool.setInitializationFailTimeout(-1);
				}, (credentials) -> credentials.fetchTimeout(Duration.ofSeconds(3)))) {
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
		}
	}

	@Test
	void deployStormOfFiftyInstancesAgainstAThrottledCredentialApi() throws Exception {
		// A fleet deployed at once against an API that serves five calls a second.
		Storm storm = deployStorm(50, (faults) -> faults.limitCredentialRate(5, Duration.ofSeconds(1)),
				LakebaseStartupCheck.DEFAULT_TIMEOUT);
		// Each instance: at most two SDK calls of four attempts each per startup backoff step.
		assertThat(storm.maxCalls()).as("credential calls of the busiest instance").isLessThanOrEqualTo(60);
		figures("deploy storm: %d instances started at once against a credential API limited to 5 calls/s "
				+ "(429, Retry-After 1 s): all up in %d ms; credential calls %.1f per instance on average, %d at most",
				storm.instances(), storm.allUp().toMillis(), storm.averageCalls(), storm.maxCalls());
	}

	@Test
	void deployStormWaitsNoLongerThanTheApisRateRequires() throws Exception {
		// Eight instances against an API allowing one call every two seconds, which tells each
		// throttled caller to come back in two: the API alone needs 7 x 2 s = 14 s to serve them all.
		Duration period = Duration.ofSeconds(2);
		int instances = 8;
		Storm storm = deployStorm(instances, (faults) -> faults.limitCredentialRate(1, period, period),
				Duration.ofSeconds(120));
		Duration required = period.multipliedBy(instances - 1);
		assertThat(storm.allUp()).as("all up").isLessThanOrEqualTo(required.plus(period).multipliedBy(3).dividedBy(2));
		figures("deploy storm: %d instances started at once against a credential API allowing 1 call per %d s (429, "
				+ "Retry-After %d s): all up in %d ms where the API's rate alone needs %d s (ratio %.2f); "
				+ "credential calls %.1f per instance on average, %d at most", instances, period.toSeconds(),
				period.toSeconds(), storm.allUp().toMillis(), required.toSeconds(),
				storm.allUp().toMillis() / (double) required.toMillis(), storm.averageCalls(), storm.maxCalls());
	}

	/**
	 * Starts instances at once, each with an identity of its own (so that nothing is shared but the
	 * API): each runs the startup check, then queries; measures when the last one is up.
	 */
	private Storm deployStorm(int instances, Consumer<Faults> limit, Duration startupTimeout) throws Exception {
		LocalLakebase.Builder builder = LocalLakebase.builder();
		List<Identity> identities = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			Identity identity = Identity.servicePrincipal(UUID.nameUUIDFromBytes(("storm-" + i).getBytes()).toString(),
					"storm-secret-" + i);
			identities.add(identity);
			builder.identity(identity);
		}
		try (LocalLakebase storm = builder.start()) {
			limit.accept(storm.faults());
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService starters = Executors.newFixedThreadPool(instances);
			List<Future<Duration>> started = new ArrayList<>();
			try {
				for (Identity identity : identities) {
					started.add(starters.submit(() -> {
						go.await();
						long start = System.nanoTime();
						try (LakebaseDataSource dataSource = dataSource(storm, identity,
								(pool) -> pool.setMaximumPoolSize(1), (credentials) -> {
								})) {
							dataSource.verify(startupTimeout);
							assertThat(whoAmI(dataSource)).isEqualTo(identity.name());
							return Duration.ofNanos(System.nanoTime() - start);
						}
					}));
				}
				go.countDown();
				Duration allUp = Duration.ZERO;
				for (Future<Duration> start : started) {
					Duration up = start.get(180, TimeUnit.SECONDS);
					allUp = (up.compareTo(allUp) > 0) ? up : allUp;
				}
				long maxCalls = identities.stream()
					.mapToLong((identity) -> storm.stats().credentialRequestsBy(identity.name()))
					.max()
					.orElseThrow();
				return new Storm(instances, allUp, storm.stats().credentialRequests() / (double) instances, maxCalls);
			}
			finally {
				starters.shutdownNow();
			}
		}
	}

	private record Storm(int instances, Duration allUp, double averageCalls, long maxCalls) {
	}

}
