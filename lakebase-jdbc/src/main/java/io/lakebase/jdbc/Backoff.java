package io.lakebase.jdbc;

import java.time.Duration;

/**
 * Exponential backoff with "equal jitter": after the n-th consecutive failure, a delay drawn
 * uniformly from [d/2, d), where d doubles from one second up to a cap. The jitter keeps
 * instances that failed together (a fleet during a shared outage) from retrying together.
 */
final class Backoff {

	static final Duration MIN = Duration.ofSeconds(1);

	private Backoff() {
	}

	/**
	 * Returns the delay before the next attempt.
	 * @param failures consecutive failures so far, at least one
	 * @param cap the longest delay
	 * @param random a number in [0, 1)
	 * @return the delay in nanoseconds
	 */
	static long delayNanos(int failures, Duration cap, double random) {
		int doublings = Math.min(Math.max(failures, 1) - 1, 30);
		long base = Math.min(MIN.toNanos() << Math.min(doublings, 20), cap.toNanos());
		return base / 2 + (long) (random * (base / 2));
	}

}
