package io.lakebase.spring.benchmarks;

import java.util.EnumMap;
import java.util.Map;

/**
 * Figure 3: connection acquisition times while every connection is evicted at a fixed interval,
 * so that the pool keeps opening new physical connections under load (the churn a short
 * {@code maxLifetime} causes). The variants take turns in rounds.
 * <p>
 * Each borrower keeps its connection a few milliseconds, as a request doing some work would. With
 * no hold the threads only saturate the CPU, and the few borrows that wait for a refill (one per
 * thread per eviction) are too rare among the fast ones to reach p99: the pool, not the CPU, must
 * be what borrowers wait for.
 */
final class ChurnBenchmark {

	private final SelectOneLoad load;

	private final RunPlan plan;

	ChurnBenchmark(SelectOneLoad load, RunPlan plan) {
		this.load = load;
		this.plan = plan;
	}

	Map<Variant, LoadResult> run(LongLivedPools pools) throws Exception {
		Map<Variant, LoadResult> results = new EnumMap<>(Variant.class);
		for (int round = 0; round < this.plan.churnRounds(); round++) {
			for (Variant variant : Variant.inTurn(round)) {
				LoadResult result = pools.use(variant,
						(pool) -> this.load.run(pool, this.plan.churnSlice(), this.plan.evictionInterval(),
								this.plan.churnHold()));
				results.merge(variant, result, LoadResult::plus);
			}
		}
		return results;
	}

}
