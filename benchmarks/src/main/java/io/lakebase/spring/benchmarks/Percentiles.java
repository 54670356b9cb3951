package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.Arrays;

/**
 * Percentiles of timings by the nearest-rank method, the one every figure uses.
 */
final class Percentiles {

	private Percentiles() {
	}

	/**
	 * Returns a percentile of timings.
	 * @param nanos the timings, in nanoseconds, in any order (left unchanged)
	 * @param percent the percentile, such as 99
	 * @return the timing at that rank, zero without timings
	 */
	static Duration of(long[] nanos, double percent) {
		if (nanos.length == 0) {
			return Duration.ZERO;
		}
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(percent / 100 * sorted.length);
		return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
	}

}
