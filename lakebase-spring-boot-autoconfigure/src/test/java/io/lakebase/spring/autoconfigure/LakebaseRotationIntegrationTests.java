package io.lakebase.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credential rotation under load on a local Lakebase that issues 5-second credentials: queries
 * never fail, and the number of credential calls follows the credential lifetime, not the
 * number of connections opened.
 */
class LakebaseRotationIntegrationTests {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	private static final Duration RUN_TIME = Duration.ofSeconds(20);

	// Hikari floors maxLifetime at 30 s, so a ~3 s connection lifetime is emulated by evicting the
	// pool every 3 s: every connection is then replaced by a new physical login, as maxLifetime does.
	private static final Duration CONNECTION_LIFETIME = Duration.ofSeconds(3);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	@Test
	void fourThreadsQueryingAcrossRotationsNeverFail() {
		contextRunner().withPropertyValues("spring.datasource.hikari.maximum-pool-size=4")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				long callsBefore = lakebase.get().stats().credentialRequests();
				long loginsBefore = lakebase.get().stats().loginsAccepted();
				AtomicLong queries = new AtomicLong();
				long deadline = System.nanoTime() + RUN_TIME.toNanos();
				ExecutorService workers = Executors.newFixedThreadPool(5);
				try {
					List<Future<Long>> failures = new ArrayList<>();
					for (int i = 0; i < 4; i++) {
						failures.add(workers.submit(() -> {
							long failed = 0;
							while (System.nanoTime() < deadline) {
								try {
									AbstractLakebaseIntegrationTests.whoAmI(dataSource);
									queries.incrementAndGet();
								}
								catch (Exception ex) {
									failed++;
								}
							}
							return failed;
						}));
					}
					workers.submit(() -> {
						while (System.nanoTime() < deadline) {
							Thread.sleep(CONNECTION_LIFETIME.toMillis());
							dataSource.getHikariPoolMXBean().softEvictConnections();
						}
						return null;
					});
					long failed = 0;
					for (Future<Long> failure : failures) {
						failed += failure.get(RUN_TIME.toSeconds() + 30, TimeUnit.SECONDS);
					}
					assertThat(failed).as("failed queries").isZero();
				}
				finally {
					workers.shutdownNow();
				}
				long calls = lakebase.get().stats().credentialRequests() - callsBefore;
				long logins = lakebase.get().stats().loginsAccepted() - loginsBefore;
				// A refresh at half-life less up to a fifth of it (jitter): at most one call per 2 s,
				// plus the first and one in flight.
				long bound = RUN_TIME.toMillis() / earliestRefresh(TOKEN_LIFETIME).toMillis() + 2;
				assertThat(calls).as("credential calls").isBetween(RUN_TIME.toSeconds() / TOKEN_LIFETIME.toSeconds(), bound);
				assertThat(logins).as("physical logins").isGreaterThan(2 * calls);
				assertThat(queries.get()).isPositive();
				System.out.printf("Rotation figures: %d queries, %d physical logins, %d credential calls in %ds%n",
						queries.get(), logins, calls, RUN_TIME.toSeconds());
			});
	}

	@Test
	void credentialApiOutageDuringARefreshFailsNoConnectionAndRecovers() {
		contextRunner().withPropertyValues("spring.datasource.hikari.maximum-pool-size=2").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			LakebaseCredentialCache cache = context.getBean(LakebaseCredentialCache.class);
			LakebaseCredential beforeOutage = cache.get();
			long failedBefore = lakebase.get().stats().credentialRequests();
			lakebase.get().faults().apiOutage(true);
			try {
				// The refresh falls due at 2 to 2.5 s and fails; the token stays usable until 4 s.
				long until = System.nanoTime() + Duration.ofMillis(3_500).toNanos();
				int logins = 0;
				while (System.nanoTime() < until) {
					dataSource.getHikariPoolMXBean().softEvictConnections();
					AbstractLakebaseIntegrationTests.whoAmI(dataSource);
					logins++;
				}
				assertThat(logins).isPositive();
				// The refresh was attempted during the outage and answered 503 (the SDK is still retrying it).
				assertThat(lakebase.get().stats().credentialRequests()).isGreaterThan(failedBefore);
				assertThat(cache.status().expiresAt()).isEqualTo(beforeOutage.expiresAt());
			}
			finally {
				lakebase.get().faults().apiOutage(false);
			}
			// Recovery is automatic: the SDK's pending retry (at most 4 s away) or the cache's next one.
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> cache.status().expiresAt().isAfter(beforeOutage.expiresAt()));
			assertThat(cache.status().lastError()).isNull();
			assertThat(AbstractLakebaseIntegrationTests.whoAmI(dataSource)[0]).isEqualTo(lakebase.get().defaultIdentity().name());
		});
	}

	/**
	 * The shortest time from one credential to its background refresh: the half-life window less
	 * the largest jitter, a fifth of the window.
	 */
	static Duration earliestRefresh(Duration lifetime) {
		Duration window = lifetime.dividedBy(2);
		return lifetime.minus(window).minus(window.dividedBy(5));
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(new Boot4Line().lakebaseDataSource())
			.withInitializer((context) -> TestPropertyValues.of(lakebase.get().springProperties()).applyTo(context));
	}

}
