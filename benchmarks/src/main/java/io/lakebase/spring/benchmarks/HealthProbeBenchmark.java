package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.Arrays;

import io.lakebase.jdbc.LakebaseHealthCheck;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseHealth;
import io.lakebase.local.Stats;

/**
 * Figure 7: what the starter's {@code lakebase} health check costs in steady state, as a
 * Kubernetes probe would call it: physical logins (each a TLS handshake that also wakes a
 * suspended compute) and the time a check takes.
 */
final class HealthProbeBenchmark {

	static final int PROBES = 100;

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final Stats stats;

	HealthProbeBenchmark(Stats stats) {
		this.stats = stats;
	}

	Result run(BenchmarkPool starterPool) {
		// The check the lakebase health indicator makes, on the pool's own login data source.
		LakebaseHealthCheck check = new LakebaseHealthCheck((LakebaseLoginDataSource) starterPool.context()
			.getBean("dataSource", HikariDataSource.class)
			.getDataSource());
		long loginsBefore = logins();
		long[] nanos = new long[PROBES];
		for (int probe = 0; probe < PROBES; probe++) {
			long start = System.nanoTime();
			LakebaseHealth health = check.check(TIMEOUT);
			nanos[probe] = System.nanoTime() - start;
			if (!health.up()) {
				throw new IllegalStateException("The health check of the starter's pool is DOWN: " + health.error());
			}
		}
		Arrays.sort(nanos);
		return new Result(PROBES, logins() - loginsBefore, nanos);
	}

	private long logins() {
		return this.stats.loginsAccepted() + this.stats.loginsRejected();
	}

	/**
	 * The cost of the checks.
	 *
	 * @param probes how many checks ran
	 * @param logins the physical logins they made
	 * @param sortedNanos the time of each check, in ascending order
	 */
	record Result(int probes, long logins, long[] sortedNanos) {

		Duration median() {
			return Duration.ofNanos(this.sortedNanos[this.sortedNanos.length / 2]);
		}

		Duration longest() {
			return Duration.ofNanos(this.sortedNanos[this.sortedNanos.length - 1]);
		}

	}

}
