package io.lakebase.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import io.lakebase.jdbc.ScenarioLoad.Load;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.lakebase.jdbc.ScenarioLoad.awaitFreshCredential;
import static io.lakebase.jdbc.ScenarioLoad.awaitNewConnection;
import static io.lakebase.jdbc.ScenarioLoad.dataSource;
import static io.lakebase.jdbc.ScenarioLoad.figures;
import static io.lakebase.jdbc.ScenarioLoad.sleepUntil;
import static io.lakebase.jdbc.ScenarioLoad.whoAmI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The credential API down, the core's pipeline under a real Hikari pool against a local Lakebase
 * issuing 5-second credentials: new connections keep working while the credential is valid, fail
 * clearly past it, and recover within seconds once the API is back, however far the background
 * backoff grew. Each test prints a {@code Resilience figures} line; docs/RELIABILITY.md collects them.
 */
class LakebaseCredentialOutageIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(5)));

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void credentialApiOutage() throws Exception {
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(4);
			pool.setConnectionTimeout(3000);
		}, (credentials) -> credentials.fetchTimeout(Duration.ofSeconds(1)))) {
			LakebaseCredentialCache cache = dataSource.logins().credentials();
			// Started, as the startup check leaves an application: endpoint resolved, a credential held.
			whoAmI(dataSource);
			LakebaseCredential valid = awaitFreshCredential(cache);
			lakebase.get().faults().apiOutage(true);
			// While the credential is valid (usable until 1 s before expiry): new logins keep working.
			Load whileValid = Load.run(lakebase.get(), 4, valid.expiresAt().minusMillis(1500), dataSource,
					ScenarioLoad::whoAmI, Duration.ofMillis(700));
			assertThat(whileValid.failures()).as(whileValid::failed).isZero();
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
		}
	}

	@Test
	void newConnectionsRecoverWithinSecondsAfterAnOutageThatGrewTheBackoff() throws Exception {
		// 500s, which the SDK does not retry: the cache's background backoff (1 s, doubling) grows
		// past 10 s within 20 s, beyond the 5 s that bounds attempts while callers wait. (The
		// one-minute cap itself is reached on simulated time, in LakebaseCredentialCacheTests.)
		Duration outage = Duration.ofSeconds(20);
		try (LakebaseDataSource dataSource = dataSource(lakebase.get(), (pool) -> {
			pool.setMaximumPoolSize(2);
			pool.setConnectionTimeout(2000);
		}, (credentials) -> credentials.fetchTimeout(Duration.ofSeconds(1)))) {
			LakebaseCredentialCache cache = dataSource.logins().credentials();
			whoAmI(dataSource);
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
		}
	}

}
