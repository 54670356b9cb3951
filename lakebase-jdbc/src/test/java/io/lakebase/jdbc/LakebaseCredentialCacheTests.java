package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.DatabricksException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LakebaseCredentialCache} on simulated time: every figure (calls, times) is
 * exact, and an hour passes in milliseconds. Tests that need a call that blocks use real threads
 * for the calls, still on simulated time; their real-time waits only guard against a hang.
 */
class LakebaseCredentialCacheTests {

	private static final Duration HOUR = Duration.ofHours(1);

	private static final Duration GUARD = Duration.ofSeconds(20);

	private SimulatedScheduler clock = SimulatedScheduler.inline();

	private ScriptedSource source = new ScriptedSource(this.clock);

	private double random = 0.5;

	private final List<LakebaseCredentialCache> caches = new ArrayList<>();

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	@BeforeEach
	void captureLog() {
		this.log.start();
		((Logger) LoggerFactory.getLogger(LakebaseCredentialCache.class)).addAppender(this.log);
	}

	@AfterEach
	void close() {
		this.caches.forEach(LakebaseCredentialCache::close);
		((Logger) LoggerFactory.getLogger(LakebaseCredentialCache.class)).detachAppender(this.log);
	}

	@Test
	void firstGetFetchesAndLaterGetsAreServedFromMemory() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		this.clock.advance(Duration.ofMinutes(30));
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		assertThat(this.source.calls()).isEqualTo(1);
		assertThat(cache.status().lastRefresh()).isEqualTo(this.clock.serverNow().minus(Duration.ofMinutes(30)));
		assertThat(cache.status().lastError()).isNull();
		assertThat(cache.status().usable()).isTrue();
	}

	@Test
	void noCallIsMadeUntilACredentialIsAskedFor() {
		cache();
		this.clock.advance(Duration.ofHours(3));
		assertThat(this.source.calls()).isZero();
	}

	@Test
	void refreshesOnceInsideTheJitteredRefreshWindow() {
		// Window 5 min, jitter 0.5 x 20 % of it: the refresh is due at 60 - 5 - 0.5 = 54.5 min.
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		this.clock.advance(Duration.ofMinutes(54).plusSeconds(29));
		assertThat(this.source.calls()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(cache.get(Duration.ZERO)).isNotSameAs(first).extracting(LakebaseCredential::token).isEqualTo("token-2");
	}

	@Test
	void refreshTimeSpreadsOverAFifthOfTheWindow() {
		this.random = 0.0;
		LakebaseCredentialCache late = cache();
		late.get(Duration.ZERO);
		this.clock.advance(Duration.ofMinutes(55).minusSeconds(1));
		assertThat(this.source.calls()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.source.calls()).isEqualTo(2);

		SimulatedScheduler otherClock = SimulatedScheduler.inline();
		ScriptedSource otherSource = new ScriptedSource(otherClock);
		LakebaseCredentialCache early = track(LakebaseCredentialCache.builder(otherSource)
			.scheduler(otherClock)
			.random(() -> 0.999)
			.build());
		early.get(Duration.ZERO);
		// 60 - 5 - 0.999 x 1 min: just after 54 min.
		otherClock.advance(Duration.ofMinutes(54));
		assertThat(otherSource.calls()).isEqualTo(1);
		otherClock.advance(Duration.ofMillis(100));
		assertThat(otherSource.calls()).isEqualTo(2);
	}

	@Test
	void backoffDoublesWithJitterUpToItsCap() {
		assertThat(Duration.ofNanos(Backoff.delayNanos(1, Duration.ofMinutes(1), 0.0))).isEqualTo(Duration.ofMillis(500));
		assertThat(Duration.ofNanos(Backoff.delayNanos(1, Duration.ofMinutes(1), 0.999))).isLessThan(Duration.ofSeconds(1));
		assertThat(Duration.ofNanos(Backoff.delayNanos(3, Duration.ofMinutes(1), 0.0))).isEqualTo(Duration.ofSeconds(2));
		assertThat(Duration.ofNanos(Backoff.delayNanos(40, Duration.ofMinutes(1), 0.0))).isEqualTo(Duration.ofSeconds(30));
		assertThat(Duration.ofNanos(Backoff.delayNanos(40, Duration.ofMinutes(1), 0.999)))
			.isBetween(Duration.ofSeconds(59), Duration.ofMinutes(1));
		assertThat(Duration.ofNanos(Backoff.delayNanos(40, Duration.ofSeconds(5), 0.999))).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void failedRefreshKeepsTheStillValidCredentialAndBacksOff() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		this.source.answer((call) -> {
			throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
		});
		this.clock.advance(Duration.ofMinutes(54).plusSeconds(30));
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		assertThat(cache.status().lastError()).isEqualTo("DatabricksError: down");
		// Background retries back off (random 0.5): 1 s (the spacing), 1.5 s, 3 s, 6 s, 12 s, 24 s,
		// then 45 s apart (three quarters of the one-minute cap): ten more calls by 59 min.
		this.clock.advance(Duration.ofMinutes(4).plusSeconds(30));
		assertThat(this.source.calls()).isEqualTo(12);
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		assertThat(this.log.list).filteredOn((event) -> event.getLevel() == Level.WARN).hasSize(1);
	}

	@Test
	void aCallerGetsACredentialAtOnceWhenTheApiReturnsAfterALongOutage() {
		LakebaseCredentialCache cache = cache();
		cache.get(Duration.ZERO);
		AtomicBoolean down = new AtomicBoolean(true);
		this.source.answer((call) -> {
			if (down.get()) {
				throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
			}
			return this.source.validFor(HOUR, call);
		});
		// Twenty minutes of outage: the credential expires, the background backoff reaches its cap.
		this.clock.advance(Duration.ofMinutes(75));
		assertThat(cache.status().usable()).isFalse();
		assertThat(poll(cache)).isEmpty();
		down.set(false);
		this.clock.advance(Duration.ofSeconds(5));
		// The caller's own demand is at most five seconds behind, not a minute.
		assertThat(poll(cache)).isPresent();
	}

	@Test
	void callsAreAtLeastASecondApartWhateverTheWorkspaceAnswers() {
		List<ScriptedSource.Answer> hostileAnswers = List.of(
				(call) -> this.source.validFor(Duration.ofSeconds(-5), call),
				(call) -> this.source.validFor(Duration.ZERO, call),
				(call) -> this.source.validFor(Duration.ofSeconds(1), call),
				(call) -> this.source.validFor(Duration.ofMillis(10), call), (call) -> {
					throw new LakebaseCredentialException("The credential API answered without an expire_time", null);
				}, (call) -> {
					throw new DatabricksException("Unrecognized token 'not': was expecting JSON");
				}, (call) -> {
					throw new DatabricksError("REQUEST_LIMIT_EXCEEDED", "slow down", 429);
				});
		for (ScriptedSource.Answer answer : hostileAnswers) {
			this.clock = SimulatedScheduler.inline();
			this.source = new ScriptedSource(this.clock);
			this.source.answer(answer);
			LakebaseCredentialCache cache = cache();
			// Ten callers ask every 10 ms for ten simulated minutes: 60,000 requests.
			int served = 0;
			for (int tick = 0; tick < 60_000; tick++) {
				Optional<LakebaseCredential> credential = poll(cache);
				if (credential.isPresent()) {
					served++;
					assertThat(Duration.between(this.clock.serverNow(), credential.get().expiresAt()))
						.as("remaining life of a handed-out credential").isPositive();
				}
				this.clock.advance(Duration.ofMillis(10));
			}
			assertThat(this.source.calls()).as("calls in 600 s").isBetween(1, 601);
			if (served > 0) {
				assertThat(this.source.calls()).isGreaterThan(100);
			}
		}
	}

	@Test
	void aCredentialExpiredOnArrivalIsNeverHandedOutAndPointsAtTheClock() {
		// The local clock is ahead of the workspace's by the whole lifetime.
		this.clock.stepWallClock(HOUR);
		LakebaseCredentialCache cache = cache();
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.get(Duration.ofSeconds(5)))
			.withMessageContaining("leaves no usable time by this machine's clock")
			.withMessageContaining("NTP");
		for (int second = 0; second < 3600; second++) {
			assertThat(poll(cache)).isEmpty();
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(this.source.calls()).isBetween(2, 3601);
		this.caches.remove(cache);
		cache.close();
		// Nobody asking: background attempts back off to a minute apart.
		this.clock = SimulatedScheduler.inline();
		this.clock.stepWallClock(HOUR);
		this.source = new ScriptedSource(this.clock);
		LakebaseCredentialCache quiet = cache();
		assertThat(poll(quiet)).isEmpty();
		this.clock.advance(HOUR);
		assertThat(this.source.calls()).isBetween(60, 100);
	}

	@Test
	void aLocalClockBehindTheWorkspaceCannotStretchALifetime() {
		// The expiry looks two hours away: it is believed for the requested hour only.
		this.clock.stepWallClock(HOUR.negated());
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		assertThat(cache.status().expiresIn()).isEqualTo(HOUR);
		this.clock.advance(Duration.ofMinutes(55));
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(cache.get(Duration.ZERO)).isNotSameAs(first);
		assertThat(this.log.list).anySatisfy((event) -> assertThat(event.getFormattedMessage())
			.contains("this clock may be behind the workspace's"));
	}

	@Test
	void aFarFutureExpiryIsBelievedForTheMaximumLifetimeOnly() {
		this.source.answer((call) -> new LakebaseCredential("token-" + call, Instant.parse("2999-01-01T00:00:00Z")));
		LakebaseCredentialCache cache = cache();
		cache.get(Duration.ZERO);
		this.clock.advance(Duration.ofHours(2));
		assertThat(this.source.calls()).isEqualTo(3);
	}

	@Test
	void aRequestedLifetimeShorterThanAnHourCapsTheExpiry() {
		this.source.maximumLifetime(Duration.ofMinutes(15));
		LakebaseCredentialCache cache = cache();
		cache.get(Duration.ZERO);
		assertThat(cache.status().expiresIn()).isEqualTo(Duration.ofMinutes(15));
	}

	@Test
	void wallClockStepsAfterTheCallChangeNothing() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		this.clock.stepWallClock(Duration.ofHours(2));
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		this.clock.stepWallClock(Duration.ofHours(-4));
		this.clock.advance(Duration.ofMinutes(10));
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void neverHandsOutACredentialWithinTheSafetyMargin() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		// The refresh fails until 29 s before expiry: from 30 s before it, the credential is not handed out.
		this.source.answer((call) -> {
			throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
		});
		this.clock.advance(Duration.ofMinutes(59).plusSeconds(29));
		assertThat(poll(cache)).contains(first);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(poll(cache)).isEmpty();
		assertThat(cache.status().usable()).isFalse();
	}

	@Test
	void shortLivedCredentialsHaveAMarginOfAFifthOfTheirLife() {
		this.source.answer((call) -> this.source.validFor(Duration.ofSeconds(5), call));
		this.source.maximumLifetime(Duration.ofSeconds(5));
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		this.source.answer((call) -> {
			throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
		});
		this.clock.advance(Duration.ofMillis(3900));
		assertThat(poll(cache)).contains(first);
		this.clock.advance(Duration.ofMillis(200));
		assertThat(poll(cache)).isEmpty();
	}

	@Test
	void anErrorFromTheSourceFailsTheWaitAtOnceAndWedgesNothing() {
		this.source.answer((call) -> {
			if (call == 1) {
				throw new NoClassDefFoundError("com/databricks/sdk/service/postgres/DatabaseCredential");
			}
			if (call == 2) {
				throw new OutOfMemoryError("Java heap space");
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.get(GUARD))
			.withMessageContaining("NoClassDefFoundError");
		// The background retry, one second later, meets the second error; the third call works.
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(cache.status().lastError()).contains("OutOfMemoryError");
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(cache.get(Duration.ZERO).token()).isEqualTo("token-3");
	}

	@Test
	void aThrowingListenerNeitherDelaysCallersNorStopsRefreshes() {
		LakebaseCredentialListener throwing = new LakebaseCredentialListener() {

			@Override
			public void fetched(LakebaseCredential credential, Duration took) {
				throw new IllegalStateException("listener bug");
			}

		};
		LakebaseCredentialListener failingHard = new LakebaseCredentialListener() {

			@Override
			public void fetched(LakebaseCredential credential, Duration took) {
				throw new StackOverflowError();
			}

		};
		LakebaseCredentialCache cache = track(LakebaseCredentialCache.builder(this.source)
			.scheduler(this.clock)
			.random(() -> this.random)
			.listeners(List.of(throwing, failingHard))
			.build());
		assertThat(cache.get(Duration.ZERO).token()).isEqualTo("token-1");
		this.clock.advance(Duration.ofMinutes(55));
		assertThat(cache.get(Duration.ZERO).token()).isEqualTo("token-2");
		assertThat(this.log.list).filteredOn((event) -> event.getFormattedMessage().contains("listener")).hasSize(4);
	}

	@Test
	void listenersHearOfEveryCallOnceAfterCallersHaveTheirAnswer() {
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
		LakebaseCredentialCache cache = track(LakebaseCredentialCache.builder(this.source)
			.scheduler(this.clock)
			.random(() -> this.random)
			.listeners(List.of(listener))
			.build());
		LakebaseCredential first = cache.get(Duration.ZERO);
		assertThat(events).containsExactly("fetched token-1");
		this.source.answer((call) -> {
			throw new DatabricksError("UNAUTHENTICATED", "invalid token", 401);
		});
		this.clock.advance(Duration.ofSeconds(20));
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.replaceRefused(first))
			.withMessageContaining("invalid token");
		assertThat(events).containsExactly("fetched token-1", "failed invalid token");
	}

	@Test
	void transientFailuresAreRetriedWithinTheCallersTimeout() throws Exception {
		this.source.answer((call) -> {
			if (call <= 3) {
				throw new DatabricksException("Request POST /api/2.0/postgres/credentials failed after 4 retries",
						new DatabricksError("REQUEST_LIMIT_EXCEEDED", "slow down", 429));
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			// A startup waiting up to a minute: its first call fails on its own thread...
			Future<LakebaseCredential> startup = caller.submit(() -> cache.get(Duration.ofMinutes(1)));
			await().atMost(GUARD).until(() -> cache.waitingCallers() == 1 && cache.status().lastError() != null);
			// ...the retries run on this one as simulated time passes: at 1 s, 2.5 s and 5.5 s
			// (demand backoff with random 0.5: 0.75 s, 1.5 s, 3 s, never under the one-second spacing).
			this.clock.advance(Duration.ofSeconds(5).plusMillis(499));
			assertThat(startup.isDone()).isFalse();
			this.clock.advance(Duration.ofMillis(1));
			assertThat(startup.get(GUARD.toSeconds(), TimeUnit.SECONDS).token()).isEqualTo("token-4");
		}
		finally {
			caller.shutdownNow();
		}
		assertThat(this.source.calls()).isEqualTo(4);
	}

	@Test
	void aFailureRetryingCannotFixEndsTheWaitAtOnce() {
		this.source.answer((call) -> {
			throw new DatabricksException("Failed to refresh credentials: invalid_client");
		});
		LakebaseCredentialCache cache = cache();
		long start = System.nanoTime();
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.get(GUARD))
			.withMessage("Could not obtain a Lakebase database credential: DatabricksException: Failed to refresh "
					+ "credentials: invalid_client");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GUARD.dividedBy(2));
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void aCallBlockedByALargeRetryAfterIsAbandonedAtTheFetchTimeout() throws Exception {
		this.clock = SimulatedScheduler.withCallThreads();
		this.source = new ScriptedSource(this.clock);
		CountDownLatch sleeping = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		this.source.answer((call) -> {
			if (call == 1) {
				// The SDK sleeping through "Retry-After: 300" on the calling thread.
				sleeping.countDown();
				try {
					Thread.sleep(Duration.ofMinutes(5).toMillis());
				}
				catch (InterruptedException ex) {
					interrupted.set(true);
					throw new DatabricksException("Current thread was interrupted", ex);
				}
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<LakebaseCredential> waiting = caller.submit(() -> cache.get(Duration.ofSeconds(30)));
			assertThat(sleeping.await(GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
			this.clock.advance(Duration.ofSeconds(10));
			await().atMost(GUARD).untilTrue(interrupted);
			assertThat(cache.status().lastError()).contains("did not answer within PT10S");
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(waiting.get(GUARD.toSeconds(), TimeUnit.SECONDS).token()).isEqualTo("token-2");
		}
		finally {
			caller.shutdownNow();
		}
		assertThat(this.clock.elapsed()).isEqualTo(Duration.ofSeconds(11));
	}

	@Test
	void concurrentCallersOnAColdCacheShareOneCall() throws Exception {
		this.clock = SimulatedScheduler.withCallThreads();
		this.source = new ScriptedSource(this.clock);
		int callers = 8;
		LakebaseCredentialCache cache = cache();
		// The call answers only once every caller is inside get(), waiting.
		this.source.answer((call) -> {
			await().atMost(GUARD).until(() -> cache.waitingCallers() == callers);
			return this.source.validFor(HOUR, call);
		});
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<LakebaseCredential>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				results.add(threads.submit(() -> {
					start.await();
					return cache.get(GUARD);
				}));
			}
			start.countDown();
			for (Future<LakebaseCredential> result : results) {
				assertThat(result.get(GUARD.toSeconds(), TimeUnit.SECONDS).token()).isEqualTo("token-1");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void anInterruptedCallerStopsWaitingAndOthersStillGetTheCredential() throws Exception {
		this.clock = SimulatedScheduler.withCallThreads();
		this.source = new ScriptedSource(this.clock);
		CountDownLatch release = new CountDownLatch(1);
		this.source.answer((call) -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		ExecutorService patient = Executors.newSingleThreadExecutor();
		AtomicBoolean flagKept = new AtomicBoolean();
		String[] interruptedOutcome = new String[1];
		Thread interrupted = new Thread(() -> {
			interruptedOutcome[0] = outcomeOf(cache);
			flagKept.set(Thread.currentThread().isInterrupted());
		});
		try {
			Future<String> patientOutcome = patient.submit(() -> outcomeOf(cache));
			interrupted.start();
			await().atMost(GUARD).until(() -> cache.waitingCallers() == 2);
			interrupted.interrupt();
			interrupted.join(GUARD.toMillis());
			assertThat(interruptedOutcome[0]).isEqualTo("Interrupted while waiting for a Lakebase database credential");
			assertThat(flagKept).isTrue();
			assertThat(cache.waitingCallers()).isEqualTo(1);
			release.countDown();
			assertThat(patientOutcome.get(GUARD.toSeconds(), TimeUnit.SECONDS)).isEqualTo("token-1");
		}
		finally {
			release.countDown();
			patient.shutdownNow();
		}
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void closeDuringARunningCallEndsTheWaitsAndReportsNoFailure() throws Exception {
		this.clock = SimulatedScheduler.withCallThreads();
		this.source = new ScriptedSource(this.clock);
		CountDownLatch calling = new CountDownLatch(1);
		this.source.answer((call) -> {
			calling.countDown();
			try {
				Thread.sleep(Duration.ofMinutes(5).toMillis());
			}
			catch (InterruptedException ex) {
				throw new DatabricksException("Current thread was interrupted", ex);
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<String> waiting = caller.submit(() -> outcomeOf(cache));
			assertThat(calling.await(GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(GUARD).until(() -> cache.waitingCallers() == 1);
			cache.close();
			assertThat(waiting.get(GUARD.toSeconds(), TimeUnit.SECONDS))
				.isEqualTo("The Lakebase credential cache is closed (the application is shutting down)");
		}
		finally {
			caller.shutdownNow();
		}
		assertThat(this.clock.isShutDown()).isTrue();
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.get(Duration.ZERO))
			.withMessageContaining("closed");
		assertThat(this.log.list).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
	}

	@Test
	void closeWithACallerWaitingForAScheduledRetryEndsItsWait() throws Exception {
		this.clock = SimulatedScheduler.withCallThreads();
		this.source = new ScriptedSource(this.clock);
		this.source.answer((call) -> {
			throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
		});
		LakebaseCredentialCache cache = cache();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<String> waiting = caller.submit(() -> outcomeOf(cache));
			await().atMost(GUARD).until(() -> this.source.calls() == 1 && cache.status().lastError() != null);
			cache.close();
			assertThat(waiting.get(GUARD.toSeconds(), TimeUnit.SECONDS)).contains("closed");
		}
		finally {
			caller.shutdownNow();
		}
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.source.calls()).isEqualTo(1);
	}

	@Test
	void aRefusedCredentialIsReplacedUnlessItIsFresh() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		// Refused right after it was obtained: a new one would be refused too (a missing role, say).
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(cache.replaceRefused(first)).isEmpty();
		this.clock.advance(Duration.ofSeconds(2));
		LakebaseCredential replacement = cache.replaceRefused(first).orElseThrow();
		assertThat(replacement.token()).isEqualTo("token-2");
		// A second refusal of the old one: the newer credential is already there.
		assertThat(cache.replaceRefused(first)).contains(replacement);
		assertThat(this.source.calls()).isEqualTo(2);
	}

	@Test
	void aLateRefreshIsStartedByTheNextCaller() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential first = cache.get(Duration.ZERO);
		// A suspended JVM: the refresh falls due but its timer has not run.
		this.clock.jump(Duration.ofMinutes(56));
		assertThat(this.source.calls()).isEqualTo(1);
		assertThat(cache.get(Duration.ZERO)).isSameAs(first);
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(cache.get(Duration.ZERO).token()).isEqualTo("token-2");
	}

	@Test
	void statusNeverShowsTheToken() {
		LakebaseCredentialCache cache = cache();
		LakebaseCredential credential = cache.get(Duration.ZERO);
		assertThat(cache.status().toString()).doesNotContain(credential.token());
		assertThat(credential.toString()).doesNotContain(credential.token()).contains("<redacted>");
	}

	@Test
	void nonPositiveDurationsAreRefused() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseCredentialCache.builder(this.source).fetchTimeout(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("credential.fetch-timeout"));
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseCredentialCache.builder(this.source).refreshBefore(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("credential.refresh-before"));
	}

	@Test
	void aPoolRefusedForeverCostsAtMostOneExtraCallPerLifetime() {
		// A replica whose role does not exist: every login with every credential is refused, and the
		// pool retries its login every 10 s for three hours.
		LakebaseCredentialCache cache = cache();
		LakebaseCredential served = cache.get(Duration.ZERO);
		for (int attempt = 0; attempt < 3 * 360; attempt++) {
			this.clock.advance(Duration.ofSeconds(10));
			served = cache.replaceRefused(served).orElse(cache.get(Duration.ZERO));
		}
		// Per hour: the scheduled refresh and one replacement of what it brought.
		assertThat(this.source.calls()).isLessThanOrEqualTo(2 * 3 + 2);
	}

	@Test
	void aRefusalWhileTheApiIsDownKeepsTheStillValidCredentialForOtherPools() {
		LakebaseCredentialCache cache = track(LakebaseCredentialCache.builder(this.source)
			.scheduler(this.clock)
			.random(() -> this.random)
			.fetchTimeout(Duration.ofMillis(200))
			.build());
		LakebaseCredential shared = cache.get(Duration.ZERO);
		this.clock.advance(Duration.ofMinutes(10));
		this.source.answer((call) -> {
			throw new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503);
		});
		// One pool's login is refused (its role was dropped) while the API is down...
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> cache.replaceRefused(shared));
		// ...and every other pool of the identity still logs in with the credential it had.
		for (int minute = 0; minute < 40; minute++) {
			assertThat(cache.get(Duration.ZERO)).isSameAs(shared);
			this.clock.advance(Duration.ofMinutes(1));
		}
		assertThat(cache.status().usable()).isTrue();
	}

	@Test
	void noBackgroundCallBeforeTheRetryAfterTheWorkspaceAskedFor() {
		LakebaseCredentialCache cache = cache();
		cache.get(Duration.ZERO);
		this.source.answer((call) -> {
			this.source.retryAfter(Duration.ofMinutes(2));
			throw new DatabricksError("REQUEST_LIMIT_EXCEEDED", "slow down", 429);
		});
		// The refresh falls due at 54.5 min and is throttled with "Retry-After: 120".
		this.clock.advance(Duration.ofMinutes(54).plusSeconds(30));
		assertThat(this.source.calls()).isEqualTo(2);
		this.source.answer((call) -> this.source.validFor(HOUR, call));
		// Then, plus at most a tenth of it (half of that with this random): 120 + 6 s.
		this.clock.advance(Duration.ofSeconds(125));
		assertThat(this.source.calls()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.source.calls()).isEqualTo(3);
		assertThat(cache.get(Duration.ZERO).token()).isEqualTo("token-3");
	}

	@Test
	void waitingCallersMakeNoCallBeforeTheRetryAfterEither() {
		this.source.answer((call) -> {
			if (call == 1) {
				this.source.retryAfter(Duration.ofSeconds(60));
				throw new DatabricksError("REQUEST_LIMIT_EXCEEDED", "slow down", 429);
			}
			return this.source.validFor(HOUR, call);
		});
		LakebaseCredentialCache cache = cache();
		assertThat(poll(cache)).isEmpty();
		for (int second = 0; second < 62; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(poll(cache)).isEmpty();
		}
		assertThat(this.source.calls()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.source.calls()).isEqualTo(2);
		assertThat(poll(cache)).isPresent();
	}

	@Test
	void aClockTwoMinutesAheadServesTheServersShortLifetimesWithBoundedCalls() {
		// The workspace issues two-minute credentials; this machine's clock is two minutes ahead, so
		// by it every credential has expired on arrival. The token's issue time tells the truth.
		this.clock.stepWallClock(Duration.ofMinutes(2));
		this.source.maximumLifetime(Duration.ofMinutes(2));
		this.source.answer((call) -> this.source.jwtValidFor(Duration.ofMinutes(2), call));
		LakebaseCredentialCache cache = cache();
		for (int second = 0; second < 600; second++) {
			assertThat(cache.get(Duration.ZERO).token()).contains(".signature-");
			this.clock.advance(Duration.ofSeconds(1));
		}
		// One refresh per minute (half the lifetime): ten minutes, about ten calls.
		assertThat(this.source.calls()).isBetween(10, 12);
		assertThat(this.log.list).filteredOn((event) -> event.getLevel() == Level.WARN)
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage())
				.contains("This machine's clock is PT2M ahead of the Lakebase workspace's"));
	}

	@Test
	void aDateHeaderOrATokensIssueTimeGivesTheWorkspacesClock() {
		Instant expiry = Instant.parse("2026-12-01T11:00:00Z");
		Instant answeredAt = Instant.parse("2026-12-01T10:00:00Z");
		assertThat(LakebaseCredential.issued("opaque", expiry, answeredAt).issuedAt()).isEqualTo(answeredAt);
		assertThat(LakebaseCredential.issued("opaque", expiry, null).issuedAt()).isNull();
		LakebaseCredential jwt = this.source.jwtValidFor(HOUR, 1);
		assertThat(LakebaseCredential.issued(jwt.token(), jwt.expiresAt(), null).issuedAt())
			.isEqualTo(this.clock.serverNow().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
	}

	private LakebaseCredentialCache cache() {
		return track(LakebaseCredentialCache.builder(this.source)
			.scheduler(this.clock)
			.random(() -> this.random)
			.build());
	}

	private LakebaseCredentialCache track(LakebaseCredentialCache cache) {
		this.caches.add(cache);
		return cache;
	}

	// What a caller waiting up to the guard gets: the token, or the failure's message.
	private static String outcomeOf(LakebaseCredentialCache cache) {
		try {
			return cache.get(GUARD).token();
		}
		catch (LakebaseCredentialException ex) {
			return ex.getMessage();
		}
	}

	private static Optional<LakebaseCredential> poll(LakebaseCredentialCache cache) {
		try {
			return Optional.of(cache.get(Duration.ZERO));
		}
		catch (LakebaseCredentialException ex) {
			return Optional.empty();
		}
	}

}
