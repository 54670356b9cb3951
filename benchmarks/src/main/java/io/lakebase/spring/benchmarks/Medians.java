package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Medians of repeated measurements: the mean of the middle two for an even count.
 */
final class Medians {

	private Medians() {
	}

	static Duration of(List<Duration> timings) {
		List<Double> nanos = timings.stream().map((timing) -> (double) timing.toNanos()).toList();
		return Duration.ofNanos(Math.round(ofValues(nanos)));
	}

	static double ofValues(List<Double> values) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException("Nothing was measured");
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
