package io.lakebase.spring.benchmarks;

import java.time.Duration;

/**
 * How much work each figure does: a full run takes a few minutes, a smoke run a few seconds and
 * only proves that the harness still works.
 *
 * @param poolSize the maximum (and minimum idle) size of every pool
 * @param threads how many threads borrow connections in figures 3 and 4
 * @param fillWarmups cold pool fills per variant that are run but not counted
 * @param fillIterations cold pool fills per variant that are counted
 * @param warmup how long each long-lived pool is loaded before anything is counted, and how long the
 * pools of figures 9a and 9b serve requests before any is counted
 * @param evictionInterval how often every connection of a pool is evicted in figure 3
 * @param churnHold how long each borrower keeps its connection in figure 3
 * @param churnSlice how long one variant is loaded in one round of figure 3
 * @param churnRounds how many rounds of figure 3, the variants taking turns in each
 * @param throughputSlice how long one variant is loaded in one round of figure 4
 * @param throughputRounds how many rounds of figure 4
 * @param startupWarmups context starts per variant that are run but not counted
 * @param startupIterations context starts per variant that are counted
 * @param heapContexts contexts per variant held open at once in figure 6
 * @param requestTime how long the pools of figures 9a and 9b serve requests that are counted, after
 * the warm-up
 * @param newUsers users whose first request figures 9c to 9e measure
 * @param pluginLogins new physical connections, at least, that the authentication plugin's pool
 * opens in figure 10b
 */
record RunPlan(int poolSize, int threads, int fillWarmups, int fillIterations, Duration warmup,
		Duration evictionInterval, Duration churnHold, Duration churnSlice, int churnRounds, Duration throughputSlice,
		int throughputRounds, int startupWarmups, int startupIterations, int heapContexts, Duration requestTime,
		int newUsers, int pluginLogins) {

	/**
	 * A few minutes on a two-core machine. Short slices in many rounds, the variants taking turns,
	 * so that a neighbour's load falls on all variants alike.
	 * @return the plan of a full run
	 */
	static RunPlan full() {
		return new RunPlan(10, 16, 1, 5, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(5),
				Duration.ofSeconds(6), 4, Duration.ofMillis(1500), 10, 2, 10, 8, Duration.ofSeconds(6), 20, 300);
	}

	/**
	 * Seconds: every step runs once, briefly.
	 * @return the plan of a smoke run
	 */
	static RunPlan smoke() {
		return new RunPlan(10, 16, 0, 1, Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(5),
				Duration.ofMillis(800), 1, Duration.ofMillis(300), 1, 0, 1, 1, Duration.ofMillis(200), 3, 30);
	}

}
