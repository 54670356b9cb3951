package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;

import io.lakebase.jdbc.ScenarioLoad.Load;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.lakebase.jdbc.ScenarioLoad.dataSource;
import static io.lakebase.jdbc.ScenarioLoad.earliestRefresh;
import static io.lakebase.jdbc.ScenarioLoad.whoAmI;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credential rotation under load on a local Lakebase that issues 5-second credentials: queries
 * never fail, and the number of credential calls follows the credential lifetime, not the number of
 * connections opened. The pool is the core's; both Boot lines put the same pieces together.
 */
class LakebaseRotationIT {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	private static final Duration RUN_TIME = Duration.ofSeconds(12);

	// Hikari floors maxLifetime at 30 s, so a ~3 s connection lifetime is emulated by evicting the
	// pool every 3 s: every connection is then replaced by a new physical login, as maxLifetime does.
	private static final Duration CONNECTION_LIFETIME = Duration.ofSeconds(3);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void fourThreadsQueryingAcrossRotationsNeverFail() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> pool.setMaximumPoolSize(4))) {
			// Started as an application starts (one query), so that a slow start on a loaded machine
			// does not eat into the rotations the scenario counts.
			whoAmI(dataSource);
			long callsBefore = lakebase.get().stats().credentialRequests();
			Load load = Load.run(lakebase.get(), 4, Instant.now().plus(RUN_TIME), dataSource, ScenarioLoad::whoAmI,
					CONNECTION_LIFETIME);
			long calls = lakebase.get().stats().credentialRequests() - callsBefore;
			assertThat(load.failures()).as(load::failed).isZero();
			// A refresh at half-life less up to a fifth of it (jitter): at most one call per 2 s,
			// plus the first and one in flight.
			long bound = RUN_TIME.toMillis() / earliestRefresh(TOKEN_LIFETIME).toMillis() + 2;
			assertThat(calls).as("credential calls").isBetween(RUN_TIME.toSeconds() / TOKEN_LIFETIME.toSeconds(), bound);
			assertThat(load.logins()).as("physical logins").isGreaterThan(2 * calls);
			assertThat(load.operations()).isPositive();
			System.out.printf("Rotation figures: %d queries, %d physical logins, %d credential calls in %ds%n",
					load.operations(), load.logins(), calls, RUN_TIME.toSeconds());
		}
	}

	@Test
	void credentialApiOutageDuringARefreshFailsNoConnectionAndRecovers() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> pool.setMaximumPoolSize(2))) {
			LakebaseCredentialCache cache = dataSource.logins().credentials();
			// Started, as the startup check leaves an application: endpoint resolved, a credential held.
			whoAmI(dataSource);
			LakebaseCredential beforeOutage = cache.get();
			long requestsBefore = lakebase.get().stats().credentialRequests();
			lakebase.get().faults().apiOutage(true);
			try {
				// The refresh falls due at 2 to 2.5 s and fails; the token stays usable until 4 s.
				long until = System.nanoTime() + Duration.ofMillis(3_500).toNanos();
				int logins = 0;
				while (System.nanoTime() < until) {
					dataSource.getHikariPoolMXBean().softEvictConnections();
					whoAmI(dataSource);
					logins++;
				}
				assertThat(logins).isPositive();
				// The refresh was attempted during the outage and answered 503 (the SDK is still retrying it).
				assertThat(lakebase.get().stats().credentialRequests()).isGreaterThan(requestsBefore);
				assertThat(cache.status().expiresAt()).isEqualTo(beforeOutage.expiresAt());
			}
			finally {
				lakebase.get().faults().apiOutage(false);
			}
			// Recovery is automatic: the SDK's pending retry (at most 4 s away) or the cache's next one.
			Awaitility.await()
				.atMost(Duration.ofSeconds(15))
				.until(() -> cache.status().expiresAt().isAfter(beforeOutage.expiresAt()));
			assertThat(cache.status().lastError()).isNull();
			assertThat(whoAmI(dataSource)).isEqualTo(lakebase.get().defaultIdentity().name());
		}
	}

}
