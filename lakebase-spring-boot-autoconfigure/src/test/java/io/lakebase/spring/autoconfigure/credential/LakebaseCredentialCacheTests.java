package io.lakebase.spring.autoconfigure.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LakebaseCredentialCache}, with a scripted credential source and a clock the
 * test moves.
 */
class LakebaseCredentialCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final ScriptedSource source = new ScriptedSource(this.clock);

	private LakebaseCredentialCache cache;

	@AfterEach
	void close() {
		if (this.cache != null) {
			this.cache.close();
		}
	}

	@Test
	void firstGetFetchesAndLaterGetsAreServedFromMemory() {
		this.cache = cache(Duration.ofMinutes(5));
		LakebaseCredential first = this.cache.get();
		LakebaseCredential second = this.cache.get();
		assertThat(second).isSameAs(first);
		assertThat(this.source.calls()).isEqualTo(1);
		assertThat(this.cache.lastRefresh()).contains(this.clock.instant());
		assertThat(this.cache.lastError()).isEmpty();
	}

	@Test
	void concurrentCallersOnAColdCacheShareOneFetch() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.source.beforeEachFetch = (call) -> {
			awaitQuietly(release);
			return null;
		};
		this.cache = cache(Duration.ofMinutes(5));
		ExecutorService callers = Executors.newFixedThreadPool(10);
		try {
			List<Future<LakebaseCredential>> results = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				results.add(callers.submit(this.cache::get));
			}
			Thread.sleep(200);
			release.countDown();
			for (Future<LakebaseCredential> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS).token()).isEqualTo("token-1");
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void refreshesInTheBackgroundOnceInsideTheRefreshWindow() {
		this.cache = cache(Duration.ofMinutes(5));
		LakebaseCredential first = this.cache.get();
		this.clock.advance(Duration.ofMinutes(56));
		assertThat(this.cache.get()).isSameAs(first);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.source.calls() == 2);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.get() != first);
		assertThat(this.cache.get().token()).isEqualTo("token-2");
	}

	@Test
	void failedRefreshKeepsTheStillValidCredential() {
		this.cache = cache(Duration.ofMinutes(5));
		LakebaseCredential first = this.cache.get();
		this.source.beforeEachFetch = (call) -> {
			throw new IllegalStateException("credential API unavailable");
		};
		this.clock.advance(Duration.ofMinutes(56));
		assertThat(this.cache.get()).isSameAs(first);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.lastError().isPresent());
		assertThat(this.cache.get()).isSameAs(first);
		assertThat(this.cache.lastError()).hasValue("IllegalStateException: credential API unavailable");
	}

	@Test
	void withoutAValidCredentialAFailureIsReportedAndCallersBackOff() {
		this.source.beforeEachFetch = (call) -> {
			throw new IllegalStateException("workspace unreachable");
		};
		this.cache = cache(Duration.ofMinutes(5));
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(this.cache::get)
			.withMessage("Could not obtain a Lakebase database credential: IllegalStateException: workspace unreachable");
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(this.cache::get)
			.withMessageContaining("the last attempt failed (IllegalStateException: workspace unreachable)");
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void recoversOnTheScheduledRetryAfterAFailure() {
		AtomicInteger failuresLeft = new AtomicInteger(1);
		this.source.beforeEachFetch = (call) -> {
			if (failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("blip");
			}
			return null;
		};
		this.cache = cache(Duration.ofMinutes(5));
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(this.cache::get);
		// The retry is scheduled one backoff (1 s) later, without any caller asking.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.current().isPresent());
		assertThat(this.cache.lastError()).isEmpty();
		assertThat(this.source.calls()).isEqualTo(2);
	}

	@Test
	void neverHandsOutACredentialExpiringWithinTheSafetyMargin() {
		this.cache = cache(Duration.ofMinutes(5));
		LakebaseCredential first = this.cache.get();
		// Stop the background refresh from landing first: only a caller can fetch now.
		this.source.beforeEachFetch = (call) -> null;
		this.clock.advance(Duration.ofMinutes(59).plusSeconds(40));
		LakebaseCredential next = this.cache.get();
		assertThat(next).isNotSameAs(first);
		assertThat(Duration.between(this.clock.instant(), next.expiresAt())).isGreaterThan(Duration.ofSeconds(30));
	}

	@Test
	void invalidatedCredentialIsReplacedOnNextGet() {
		this.cache = cache(Duration.ofMinutes(5));
		LakebaseCredential refused = this.cache.get();
		this.cache.invalidate(refused);
		assertThat(this.cache.get().token()).isEqualTo("token-2");
	}

	@Test
	void slowSourceMakesCallersFailAfterTheFetchTimeout() {
		this.source.beforeEachFetch = (call) -> {
			sleep(Duration.ofSeconds(2));
			return null;
		};
		this.cache = new LakebaseCredentialCache(this.source, Duration.ofMinutes(5), Duration.ofMillis(300),
				this.clock, List.of());
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(this.cache::get)
			.withMessageContaining("No Lakebase database credential within PT0.3S");
	}

	@Test
	void listenersHearOfEveryFetch() {
		List<String> events = new ArrayList<>();
		LakebaseCredentialListener listener = new LakebaseCredentialListener() {

			@Override
			public void fetched(LakebaseCredential credential, Duration took) {
				events.add("fetched " + credential.token());
			}

			@Override
			public void fetchFailed(Throwable failure, Duration took) {
				events.add("failed " + failure.getMessage());
			}

		};
		this.cache = new LakebaseCredentialCache(this.source, Duration.ofMinutes(5), Duration.ofSeconds(5), this.clock,
				List.of(listener));
		this.cache.get();
		this.source.beforeEachFetch = (call) -> {
			throw new IllegalStateException("down");
		};
		this.cache.invalidate(this.cache.current().orElseThrow());
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(this.cache::get);
		assertThat(events).containsExactly("fetched token-1", "failed down");
	}

	@Test
	void safetyMarginAndBackoffAreBounded() {
		Instant now = this.clock.instant();
		assertThat(LakebaseCredentialCache.safetyMargin(new LakebaseCredential("t", now.plusSeconds(3600), now)))
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(LakebaseCredentialCache.safetyMargin(new LakebaseCredential("t", now.plusSeconds(5), now)))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(LakebaseCredentialCache.backoff(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(LakebaseCredentialCache.backoff(3)).isEqualTo(Duration.ofSeconds(4));
		assertThat(LakebaseCredentialCache.backoff(40)).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void toStringNeverShowsTheToken() {
		LakebaseCredential credential = new LakebaseCredential("secret.jwt.value", Instant.EPOCH, Instant.EPOCH);
		assertThat(credential.toString()).doesNotContain("secret.jwt.value").contains("<redacted>");
	}

	private LakebaseCredentialCache cache(Duration refreshBefore) {
		return new LakebaseCredentialCache(this.source, refreshBefore, Duration.ofSeconds(5), this.clock, List.of());
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Issues one-hour credentials named token-1, token-2, ..., after an optional scripted step.
	 */
	static final class ScriptedSource implements LakebaseCredentialSource {

		private final Clock clock;

		private final AtomicInteger calls = new AtomicInteger();

		volatile Function<Integer, Void> beforeEachFetch = (call) -> null;

		ScriptedSource(Clock clock) {
			this.clock = clock;
		}

		@Override
		public LakebaseCredential fetch() {
			int call = this.calls.incrementAndGet();
			this.beforeEachFetch.apply(call);
			Instant now = this.clock.instant();
			return new LakebaseCredential("token-" + call, now.plus(Duration.ofHours(1)), now);
		}

		int calls() {
			return this.calls.get();
		}

	}

	/**
	 * A clock the test moves by hand.
	 */
	static final class MutableClock extends Clock {

		private final AtomicReference<Instant> now;

		MutableClock(Instant start) {
			this.now = new AtomicReference<>(start);
		}

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
