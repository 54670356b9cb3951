package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 2: how long a cold pool takes from its first {@code getConnection()} until it holds all
 * its connections. Every iteration opens a fresh pool, and for the starter a fresh context whose
 * credential cache is empty. The variants take turns, so that a busy machine slows all alike.
 */
final class PoolFillBenchmark {

	private final BenchmarkPools pools;

	private final CredentialMeter meter;

	private final RunPlan plan;

	PoolFillBenchmark(BenchmarkPools pools, CredentialMeter meter, RunPlan plan) {
		this.pools = pools;
		this.meter = meter;
		this.plan = plan;
	}

	Result run() throws Exception {
		Map<Variant, List<Duration>> fills = new EnumMap<>(Variant.class);
		List<PoolUse> uses = new ArrayList<>();
		for (int iteration = 0; iteration < this.plan.fillWarmups() + this.plan.fillIterations(); iteration++) {
			boolean counted = iteration >= this.plan.fillWarmups();
			for (Variant variant : Variant.inTurn(iteration)) {
				List<Duration> fill = new ArrayList<>(1);
				List<Duration> lifetime = new ArrayList<>(1);
				CredentialCount count = this.meter.measure(() -> {
					try (BenchmarkPool pool = this.pools.open(variant)) {
						fill.add(fill(pool));
						lifetime.add(pool.age());
					}
				});
				uses.add(new PoolUse(variant, count, lifetime.get(0)));
				if (counted) {
					fills.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(fill.get(0));
				}
			}
		}
		return new Result(fills, uses);
	}

	private static Duration fill(BenchmarkPool pool) throws Exception {
		long start = System.nanoTime();
		pool.dataSource().getConnection().close();
		pool.awaitFull();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * The fill times of each variant, and what every pool cost.
	 *
	 * @param fills the counted fill times by variant
	 * @param pools every pool opened, warm-ups included
	 */
	record Result(Map<Variant, List<Duration>> fills, List<PoolUse> pools) {

		Duration median(Variant variant) {
			return Medians.of(this.fills.get(variant));
		}

	}

}
