package io.lakebase.spring.benchmarks;

import java.util.EnumMap;
import java.util.Map;

/**
 * Figure 4: {@code SELECT 1} transactions per second through a full, warm pool with no churn.
 * The variants take turns in rounds.
 */
final class ThroughputBenchmark {

	private final SelectOneLoad load;

	private final RunPlan plan;

	ThroughputBenchmark(SelectOneLoad load, RunPlan plan) {
		this.load = load;
		this.plan = plan;
	}

	Map<Variant, LoadResult> run(LongLivedPools pools) throws Exception {
		Map<Variant, LoadResult> results = new EnumMap<>(Variant.class);
		for (int round = 0; round < this.plan.throughputRounds(); round++) {
			for (Variant variant : Variant.values()) {
				LoadResult result = pools.use(variant, (pool) -> this.load.run(pool, this.plan.throughputSlice(), null));
				results.merge(variant, result, LoadResult::plus);
			}
		}
		return results;
	}

}
