package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lakebase.jdbc.LakebaseAuthenticationPlugin;
import io.lakebase.local.Stats;

/**
 * Figure 10: PgJDBC's authentication plugin ({@link LakebaseAuthenticationPlugin}) the way tools
 * connect, a plain Hikari pool given only a JDBC URL, against a fresh pool of the starter (B).
 * First the plugin's pool opens cold and its connections are renewed under load until it has
 * opened {@link RunPlan#pluginLogins()} of them (credential calls per new connection); then
 * {@code SELECT 1} runs through the two pools in turn, as in figure 4 (transactions per second,
 * median round).
 * <p>
 * PgJDBC makes a plugin per login, and all logins of the JVM with the same target and workspace
 * identity share one credential cache that outlives any pool. No other figure uses the plugin, and
 * the cache's key includes the pool's own configuration file (see
 * {@link BenchmarkPools#openWithPlugin()}): the cache is empty at the pool's first login, whose
 * credential call is counted.
 */
final class PluginBenchmark {

	/**
	 * How often every connection of the plugin's pool is evicted in figure 10b: sooner than the
	 * pool can refill, so that its logins, not the evictions, set the pace.
	 */
	static final Duration CHURN_INTERVAL = Duration.ofMillis(200);

	// The login count is checked between slices: at most one slice of logins beyond the goal.
	private static final Duration CHURN_SLICE = Duration.ofMillis(500);

	private static final Duration CHURN_LIMIT = Duration.ofMinutes(2);

	private final BenchmarkPools pools;

	private final Stats stats;

	private final CredentialMeter meter;

	private final SelectOneLoad load;

	private final RunPlan plan;

	PluginBenchmark(BenchmarkPools pools, Stats stats, SelectOneLoad load, RunPlan plan) {
		this.pools = pools;
		this.stats = stats;
		this.meter = new CredentialMeter(stats);
		this.load = load;
		this.plan = plan;
	}

	Result run() throws Exception {
		try (BenchmarkPool starter = this.pools.open(Variant.STARTER);
				BenchmarkPool plugin = this.pools.openWithPlugin()) {
			// B settles before the plugin's pool starts, so that every count below is the plugin's.
			starter.dataSource().getConnection().close();
			starter.awaitSettled();
			long loginsBefore = this.stats.loginsAccepted();
			long start = System.nanoTime();
			List<Long> churnFailures = new ArrayList<>(1);
			CredentialCount pluginCount = this.meter.measure(() -> {
				plugin.dataSource().getConnection().close();
				churnFailures.add(churn(plugin, loginsBefore));
				plugin.awaitSettled();
			});
			Duration countedFor = Duration.ofNanos(System.nanoTime() - start);
			this.load.run(starter, this.plan.warmup());
			this.load.run(plugin, this.plan.warmup());
			List<LoadResult> starterRounds = new ArrayList<>();
			List<LoadResult> pluginRounds = new ArrayList<>();
			for (int round = 0; round < this.plan.throughputRounds(); round++) {
				// Alternating, so that neither pool always runs first or right after the same other one.
				if (round % 2 == 0) {
					starterRounds.add(this.load.run(starter, this.plan.throughputSlice()));
					pluginRounds.add(this.load.run(plugin, this.plan.throughputSlice()));
				}
				else {
					pluginRounds.add(this.load.run(plugin, this.plan.throughputSlice()));
					starterRounds.add(this.load.run(starter, this.plan.throughputSlice()));
				}
			}
			return new Result(pluginCount, countedFor, churnFailures.get(0), starterRounds, pluginRounds);
		}
	}

	/**
	 * Loads the plugin's pool while evicting all its connections, until it has opened as many as
	 * the plan asks for.
	 * @return the borrows or queries that failed
	 */
	private long churn(BenchmarkPool plugin, long loginsBefore) throws InterruptedException {
		long deadline = System.nanoTime() + CHURN_LIMIT.toNanos();
		long failures = 0;
		while (this.stats.loginsAccepted() - loginsBefore < this.plan.pluginLogins()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The pool with the authentication plugin opened only "
						+ (this.stats.loginsAccepted() - loginsBefore) + " connections in " + CHURN_LIMIT.toMinutes()
						+ " min; figure 10b needs " + this.plan.pluginLogins());
			}
			failures += this.load.run(plugin, CHURN_SLICE, CHURN_INTERVAL, this.plan.churnHold()).failures();
		}
		return failures;
	}

	/**
	 * What figure 10 measured.
	 *
	 * @param pluginConnections the credential calls and logins of the plugin's pool from its first
	 * {@code getConnection()} until it settled after the churn
	 * @param countedFor how long they were counted for
	 * @param churnFailures borrows or queries that failed during the churn
	 * @param starterRounds the starter's load results, one per round
	 * @param pluginRounds the plugin's load results, one per round
	 */
	record Result(CredentialCount pluginConnections, Duration countedFor, long churnFailures,
			List<LoadResult> starterRounds, List<LoadResult> pluginRounds) {

		double starterTransactionsPerSecond() {
			return median(this.starterRounds);
		}

		double pluginTransactionsPerSecond() {
			return median(this.pluginRounds);
		}

		long failures() {
			return this.churnFailures + this.starterRounds.stream().mapToLong(LoadResult::failures).sum()
					+ this.pluginRounds.stream().mapToLong(LoadResult::failures).sum();
		}

		private static double median(List<LoadResult> rounds) {
			return Medians.ofValues(rounds.stream().map(LoadResult::transactionsPerSecond).toList());
		}

	}

}
