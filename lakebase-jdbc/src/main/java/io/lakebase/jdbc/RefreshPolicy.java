package io.lakebase.jdbc;

import java.time.Duration;

/**
 * When a credential of a given lifetime, requested at a given moment, expires, stops being handed
 * out, is refreshed and stops being "fresh": pure arithmetic on the monotonic clock, as Cloud SQL's
 * {@code RefreshCalculator}.
 * <ul>
 * <li>usable until its expiry less a safety margin: 30 s, or a fifth of the lifetime when shorter;</li>
 * <li>refreshed at its expiry less {@code min(refreshBefore, lifetime / 2)}, less a random part of a
 * fifth of that window, so that instances started together do not refresh together;</li>
 * <li>fresh for a quarter of its lifetime, at most 10 s: a fresh credential that is refused would be
 * refused again (a missing role), so it is not replaced.</li>
 * </ul>
 */
final class RefreshPolicy {

	static final Duration MAX_SAFETY_MARGIN = Duration.ofSeconds(30);

	static final Duration MAX_FRESH_AGE = Duration.ofSeconds(10);

	static final double REFRESH_JITTER = 0.2;

	private final Duration refreshBefore;

	RefreshPolicy(Duration refreshBefore) {
		this.refreshBefore = refreshBefore;
	}

	/**
	 * Returns the times of a credential.
	 * @param lifetime how long it is valid, positive
	 * @param requestedAt when it was requested, in monotonic nanoseconds
	 * @param random a number in [0, 1), for the refresh jitter
	 * @return its times, in monotonic nanoseconds
	 */
	Times times(Duration lifetime, long requestedAt, double random) {
		long expiresAt = requestedAt + lifetime.toNanos();
		Duration fifth = lifetime.dividedBy(5);
		long usableUntil = expiresAt - min(fifth, MAX_SAFETY_MARGIN).toNanos();
		long window = min(this.refreshBefore, lifetime.dividedBy(2)).toNanos();
		long jitter = (long) (random * REFRESH_JITTER * window);
		long freshUntil = requestedAt + min(lifetime.dividedBy(4), MAX_FRESH_AGE).toNanos();
		return new Times(expiresAt, usableUntil, expiresAt - window - jitter, freshUntil);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) < 0) ? a : b;
	}

	/**
	 * The times of a credential on the monotonic clock.
	 *
	 * @param expiresAt when logins with it stop being accepted
	 * @param usableUntil when it stops being handed out
	 * @param refreshAt when the background refresh starts
	 * @param freshUntil until when a refusal is not worth a replacement
	 */
	record Times(long expiresAt, long usableUntil, long refreshAt, long freshUntil) {
	}

}
