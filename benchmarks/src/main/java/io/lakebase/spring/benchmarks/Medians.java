package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Medians of repeated timings.
 */
final class Medians {

	private Medians() {
	}

	/**
	 * Returns the median, the mean of the middle two for an even count.
	 * @param timings the timings, at least one
	 * @return the median
	 */
	static Duration of(List<Duration> timings) {
		if (timings.isEmpty()) {
			throw new IllegalArgumentException("No timings");
		}
		List<Duration> sorted = timings.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle)
				: sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2);
	}

}
