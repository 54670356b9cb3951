package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, before it is turned into figures.
 *
 * @param options the options of the run
 * @param machine the machine it ran on, as it was when the run started
 * @param loadAverageAtEnd the one-minute system load average when the run ended, negative if unknown
 * @param startedAt when it started
 * @param runTime how long it took
 * @param tokenLifetime the lifetime of the database credentials the local Lakebase issued
 * @param fill figure 2
 * @param longLivedPools the pools of figures 1, 3 and 4, over their whole lives
 * @param churn figure 3
 * @param throughput figure 4
 * @param startup figure 5
 * @param heapPerContext figure 6, in bytes per context
 * @param health figure 7, the starter's health checks
 * @param r2dbc figure 8, R2DBC
 * @param users figure 9, on behalf of users
 * @param plugin figure 10, the authentication plugin
 */
record BenchmarkResults(BenchmarkOptions options, MachineDescription machine, double loadAverageAtEnd,
		Instant startedAt, Duration runTime,
		Duration tokenLifetime, PoolFillBenchmark.Result fill, List<PoolUse> longLivedPools,
		Map<Variant, LoadResult> churn, ThroughputBenchmark.Result throughput, StartupBenchmark.Result startup,
		Map<Variant, Long> heapPerContext, HealthProbeBenchmark.Result health, R2dbcBenchmark.Result r2dbc,
		UserPoolsBenchmark.Result users, PluginBenchmark.Result plugin) {

	RunPlan plan() {
		return this.options.plan();
	}

	/**
	 * Returns the credential calls and logins of a variant's long-lived pool.
	 * @param variant the variant
	 * @return its counts
	 */
	CredentialCount credentials(Variant variant) {
		return this.longLivedPools.stream()
			.filter((use) -> use.variant() == variant)
			.map(PoolUse::count)
			.reduce(CredentialCount.NONE, CredentialCount::plus);
	}

	/**
	 * Returns every pool of a variant the run opened.
	 * @param variant the variant
	 * @return its pools
	 */
	List<PoolUse> pools(Variant variant) {
		List<PoolUse> pools = new ArrayList<>(this.fill.pools());
		pools.addAll(this.longLivedPools);
		return pools.stream().filter((use) -> use.variant() == variant).toList();
	}

}
