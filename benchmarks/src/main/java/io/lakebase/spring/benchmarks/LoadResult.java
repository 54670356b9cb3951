package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link SelectOneLoad} achieved.
 *
 * @param transactions transactions completed before the deadline
 * @param failures borrows or queries that failed
 * @param elapsed how long the load ran
 * @param acquisitionNanos how long each {@code getConnection()} took, in nanoseconds
 */
record LoadResult(long transactions, long failures, Duration elapsed, long[] acquisitionNanos) {

	static LoadResult of(long transactions, long failures, Duration elapsed, List<long[]> acquisitionNanos) {
		long[] all = new long[acquisitionNanos.stream().mapToInt((samples) -> samples.length).sum()];
		int next = 0;
		for (long[] samples : acquisitionNanos) {
			System.arraycopy(samples, 0, all, next, samples.length);
			next += samples.length;
		}
		return new LoadResult(transactions, failures, elapsed, all);
	}

	LoadResult plus(LoadResult other) {
		long[] all = Arrays.copyOf(this.acquisitionNanos, this.acquisitionNanos.length + other.acquisitionNanos.length);
		System.arraycopy(other.acquisitionNanos, 0, all, this.acquisitionNanos.length, other.acquisitionNanos.length);
		return new LoadResult(this.transactions + other.transactions, this.failures + other.failures,
				this.elapsed.plus(other.elapsed), all);
	}

	double transactionsPerSecond() {
		return this.transactions / (this.elapsed.toNanos() / 1e9);
	}

	/**
	 * Returns an acquisition time percentile.
	 * @param percent the percentile, such as 99
	 * @return the acquisition time, zero without samples
	 */
	Duration acquisition(double percent) {
		return Percentiles.of(this.acquisitionNanos, percent);
	}

}
