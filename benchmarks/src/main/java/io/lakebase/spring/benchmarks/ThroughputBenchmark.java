package io.lakebase.spring.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 4: {@code SELECT 1} transactions per second through a full, warm pool with no churn.
 * The variants take turns in rounds; the figure is the median round, so that a burst of load from
 * another process spoils one round of one variant rather than its figure.
 */
final class ThroughputBenchmark {

	private final SelectOneLoad load;

	private final RunPlan plan;

	ThroughputBenchmark(SelectOneLoad load, RunPlan plan) {
		this.load = load;
		this.plan = plan;
	}

	Result run(LongLivedPools pools) throws Exception {
		Map<Variant, List<LoadResult>> rounds = new EnumMap<>(Variant.class);
		for (int round = 0; round < this.plan.throughputRounds(); round++) {
			for (Variant variant : Variant.inTurn(round)) {
				LoadResult result = pools.use(variant, (pool) -> this.load.run(pool, this.plan.throughputSlice()));
				rounds.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(result);
			}
		}
		return new Result(rounds);
	}

	/**
	 * The rounds of each variant.
	 *
	 * @param rounds the load results by variant, one per round
	 */
	record Result(Map<Variant, List<LoadResult>> rounds) {

		double medianTransactionsPerSecond(Variant variant) {
			return Medians.ofValues(this.rounds.get(variant).stream().map(LoadResult::transactionsPerSecond).toList());
		}

		long failures(Variant variant) {
			return this.rounds.get(variant).stream().mapToLong(LoadResult::failures).sum();
		}

	}

}
