package io.lakebase.jdbc;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RefreshPolicy}: the times of a credential, as plain arithmetic.
 */
class RefreshPolicyTests {

	private static final long REQUESTED_AT = 1_000_000_000L;

	private final RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(5));

	@Test
	void anHourLongCredentialIsRefreshedInItsLastFiveMinutesLessItsJitter() {
		RefreshPolicy.Times times = this.policy.times(Duration.ofHours(1), REQUESTED_AT, 0.5);
		assertThat(offset(times.expiresAt())).isEqualTo(Duration.ofHours(1));
		assertThat(offset(times.usableUntil())).isEqualTo(Duration.ofMinutes(59).plusSeconds(30));
		// 60 - 5 - 0.5 x 20 % of 5 min.
		assertThat(offset(times.refreshAt())).isEqualTo(Duration.ofMinutes(54).plusSeconds(30));
		assertThat(offset(times.freshUntil())).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void theJitterSpreadsRefreshesOverAFifthOfTheWindow() {
		assertThat(offset(this.policy.times(Duration.ofHours(1), REQUESTED_AT, 0.0).refreshAt()))
			.isEqualTo(Duration.ofMinutes(55));
		assertThat(offset(this.policy.times(Duration.ofHours(1), REQUESTED_AT, 0.99).refreshAt()))
			.isBetween(Duration.ofMinutes(54), Duration.ofMinutes(54).plusSeconds(1));
	}

	@Test
	void shortLifetimesAreRefreshedAtHalfLifeWithAMarginOfAFifth() {
		RefreshPolicy.Times times = this.policy.times(Duration.ofMinutes(2), REQUESTED_AT, 0.0);
		assertThat(offset(times.refreshAt())).isEqualTo(Duration.ofMinutes(1));
		assertThat(offset(times.usableUntil())).isEqualTo(Duration.ofSeconds(96));
		assertThat(offset(times.freshUntil())).isEqualTo(Duration.ofSeconds(10));
		RefreshPolicy.Times tiny = this.policy.times(Duration.ofSeconds(20), REQUESTED_AT, 0.0);
		assertThat(offset(tiny.usableUntil())).isEqualTo(Duration.ofSeconds(16));
		assertThat(offset(tiny.freshUntil())).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void theRefreshIsNeverAfterTheCredentialStopsBeingHandedOut() {
		for (long seconds = 2; seconds <= 3600; seconds += 7) {
			RefreshPolicy.Times times = this.policy.times(Duration.ofSeconds(seconds), REQUESTED_AT, 0.999);
			assertThat(times.refreshAt()).isLessThanOrEqualTo(times.usableUntil());
			assertThat(times.refreshAt()).isGreaterThan(REQUESTED_AT);
		}
	}

	private static Duration offset(long nanos) {
		return Duration.ofNanos(nanos - REQUESTED_AT);
	}

}
