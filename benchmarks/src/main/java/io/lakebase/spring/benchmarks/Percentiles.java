package io.lakebase.spring.benchmarks;

import java.time.Duration;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of timings, taken by HdrHistogram (three significant digits), the one way every
 * figure takes them.
 */
final class Percentiles {

	private Percentiles() {
	}

	/**
	 * Returns a percentile of timings.
	 * @param nanos the timings, in nanoseconds, in any order (left unchanged)
	 * @param percent the percentile, such as 99
	 * @return the timing at that percentile, zero without timings
	 */
	static Duration of(long[] nanos, double percent) {
		if (nanos.length == 0) {
			return Duration.ZERO;
		}
		Histogram histogram = new Histogram(3);
		for (long value : nanos) {
			histogram.recordValue(Math.max(0, value));
		}
		return Duration.ofNanos(histogram.getValueAtPercentile(percent));
	}

}
