package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one valid database credential ahead of need, so that opening a connection never waits on
 * the credential API in steady state, whatever the API, the clock or the callers do.
 * <ul>
 * <li>One API call per credential lifetime: the first {@link #get()} fetches, then a background
 * refresh runs once the remaining life drops below {@code min(refreshBefore, lifetime / 2)}, less
 * a random part of a fifth of that window, so that instances started together do not refresh
 * together.</li>
 * <li>Concurrent callers share one call. Calls start at least a second apart, whatever the
 * workspace answers (an expired, one-second or malformed credential) and whatever the clocks do:
 * the rate of API calls is bounded.</li>
 * <li>Validity is measured on the monotonic clock from when the call started, and a lifetime
 * longer than the source's maximum is not believed, so that a local clock ahead of or behind the
 * workspace's cannot make an expired credential look valid. A credential is never handed out
 * within its safety margin (30 s, or a fifth of its lifetime for short-lived ones).</li>
 * <li>Each call may take at most the fetch timeout, however long the SDK would sleep through a
 * {@code Retry-After}: then it is abandoned (its thread interrupted) and counts as failed.</li>
 * <li>A failed refresh keeps the still-valid credential and retries with jittered exponential
 * backoff, up to a minute apart. While a caller waits for a credential, attempts are at most five
 * seconds apart, so that a caller gets one within seconds of the API coming back. A throttled
 * answer's {@code Retry-After} (up to five minutes) replaces both: no call before it, and the next
 * one at most a tenth later.</li>
 * <li>A caller waits only when no usable credential is cached, for at most its timeout. A failure
 * that retrying cannot fix (rejected workspace credentials, a missing permission) ends every wait
 * at once; a transient one (throttling, an unavailable API, a timeout) lets callers wait for the
 * next attempt within their timeout.</li>
 * <li>No exception or error of the source and no listener can wedge the cache; {@link #close()}
 * ends every wait with a clear message.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class LakebaseCredentialCache implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseCredentialCache.class);

	/** How long before expiry the background refresh starts, by default (at most half the lifetime). */
	public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);

	/** How long one call to the credential API may take, and a caller waits, by default. */
	public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(10);

	static final Duration MAX_SAFETY_MARGIN = RefreshPolicy.MAX_SAFETY_MARGIN;

	static final Duration MIN_ATTEMPT_SPACING = Duration.ofSeconds(1);

	static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	static final Duration MAX_DEMAND_BACKOFF = Duration.ofSeconds(5);

	static final double REFRESH_JITTER = RefreshPolicy.REFRESH_JITTER;

	static final Duration MAX_FRESH_AGE = RefreshPolicy.MAX_FRESH_AGE;

	// At most this much later than a Retry-After asks, so that throttled instances spread out.
	static final double RETRY_AFTER_JITTER = 0.1;

	// The longest Retry-After honoured.
	static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

	// How far beyond the source's maximum lifetime an expiry may be before the clock is suspect.
	private static final Duration CLOCK_SKEW_WARNING = Duration.ofMinutes(1);

	private final LakebaseCredentialSource source;

	private final RefreshPolicy refreshPolicy;

	private final Duration fetchTimeout;

	private final List<LakebaseCredentialListener> listeners;

	private final CacheScheduler scheduler;

	private final DoubleSupplier random;

	private final Object lock = new Object();

	private volatile @Nullable Cached current;

	private volatile @Nullable Instant lastRefresh;

	private volatile @Nullable Failure lastFailure;

	private volatile boolean clockSkewReported;

	// Everything below is guarded by lock: read and written only inside synchronized (this.lock),
	// which is never held across a call to the source or a wait.
	private @Nullable Attempt inFlight;

	// Whether the credential the next attempt brings replaces a refused one.
	private boolean replacementRequested;

	private @Nullable Demand demand;

	// Whether a credential was ever asked for: only then does the cache call the API by itself.
	private boolean started;

	private boolean attempted;

	private long lastAttemptStart;

	private int consecutiveFailures;

	private long nextBackgroundAttempt;

	private long nextDemandAttempt;

	private @Nullable Wakeup wakeup;

	private boolean closed;

	private LakebaseCredentialCache(Builder builder) {
		this.source = builder.source;
		this.refreshPolicy = new RefreshPolicy(builder.refreshBefore);
		this.fetchTimeout = builder.fetchTimeout;
		this.listeners = List.copyOf(builder.listeners);
		this.scheduler = (builder.scheduler != null) ? builder.scheduler : CacheScheduler.system();
		this.random = builder.random;
	}

	/**
	 * Starts a cache of the credentials of a source.
	 * @param source where credentials come from
	 * @return a builder
	 */
	public static Builder builder(LakebaseCredentialSource source) {
		return new Builder(source);
	}

	/**
	 * Returns a usable credential, waiting at most the fetch timeout when none is cached.
	 * @return a credential valid beyond its safety margin
	 * @throws LakebaseCredentialException when no usable credential can be had in time
	 */
	public LakebaseCredential get() {
		return get(this.fetchTimeout);
	}

	/**
	 * Returns a usable credential, waiting at most the given time when none is cached. Transient
	 * failures within that time are retried.
	 * @param timeout how long to wait for a credential
	 * @return a credential valid beyond its safety margin
	 * @throws LakebaseCredentialException when no usable credential can be had in time, at once
	 * after a failure that retrying cannot fix
	 */
	public LakebaseCredential get(Duration timeout) {
		Cached cached = this.current;
		if (cached != null && cached.isUsable(this.scheduler.nanoTime())) {
			if (cached.isRefreshDue(this.scheduler.nanoTime())) {
				// The scheduled refresh is late (a suspended JVM, say): start it in the background.
				launch(replan());
			}
			return cached.credential();
		}
		Demand waiting;
		Attempt attempt;
		synchronized (this.lock) {
			if (this.closed) {
				throw closed();
			}
			cached = this.current;
			long now = this.scheduler.nanoTime();
			if (cached != null && cached.isUsable(now)) {
				return cached.credential();
			}
			waiting = join();
			attempt = plan(now);
		}
		launch(attempt);
		try {
			return await(waiting, timeout);
		}
		finally {
			leave(waiting);
		}
	}

	/**
	 * Returns the cached credential when it is usable, without waiting: for callers that must not
	 * block (a reactive driver on an event-loop thread) and obtain one elsewhere otherwise. Starts
	 * a late refresh in the background, as {@link #get()} does.
	 * @return the usable cached credential, if any
	 */
	public Optional<LakebaseCredential> cached() {
		Cached cached = this.current;
		long now = this.scheduler.nanoTime();
		if (cached == null || !cached.isUsable(now)) {
			return Optional.empty();
		}
		if (cached.isRefreshDue(now)) {
			launch(replan());
		}
		return Optional.of(cached.credential());
	}

	/**
	 * Replaces a credential that the database refused at login (a revoked one, say) and returns
	 * the replacement, or nothing when a replacement would not help: the refused credential was
	 * obtained so recently (within a quarter of its lifetime, at most 10 seconds) that a fresh one
	 * would be refused for the same reason (a missing role, say), or it is itself the replacement
	 * of a refused one. So a pool whose logins are always refused costs at most one extra call per
	 * credential lifetime. The refused credential stays in the cache until the replacement is in
	 * hand: other pools of the identity keep logging in with it, even while the API is down.
	 * Concurrent refused callers share one call.
	 * @param refused the credential that was refused
	 * @return the credential to retry the login with, if a retry makes sense
	 * @throws LakebaseCredentialException when no replacement can be had in time
	 */
	public Optional<LakebaseCredential> replaceRefused(LakebaseCredential refused) {
		Demand waiting;
		Attempt attempt;
		synchronized (this.lock) {
			if (this.closed) {
				throw closed();
			}
			Cached cached = this.current;
			long now = this.scheduler.nanoTime();
			if (cached == null || cached.credential() != refused) {
				// A newer credential arrived since the refused one was handed out.
				return (cached != null && cached.isUsable(now)) ? Optional.of(cached.credential()) : Optional.of(get());
			}
			if (cached.isFresh(now) || cached.replacement()) {
				return Optional.empty();
			}
			this.replacementRequested = true;
			waiting = join();
			attempt = plan(now);
		}
		launch(attempt);
		try {
			return Optional.of(await(waiting, this.fetchTimeout));
		}
		finally {
			leave(waiting);
		}
	}

	/**
	 * Returns what the cache holds, without calling the API.
	 * @return the status
	 */
	public LakebaseCredentialStatus status() {
		Cached cached = this.current;
		Failure failure = this.lastFailure;
		long now = this.scheduler.nanoTime();
		Duration expiresIn = (cached != null) ? Duration.ofNanos(Math.max(0, cached.expiresAt() - now)) : null;
		return new LakebaseCredentialStatus((cached != null) ? cached.credential().expiresAt() : null, expiresIn,
				cached != null && cached.isUsable(now), this.lastRefresh, (failure != null) ? failure.message() : null);
	}

	/**
	 * Stops the background refresh, abandons a running call and ends every wait with a
	 * {@link LakebaseCredentialException}.
	 */
	@Override
	public void close() {
		Attempt running;
		Demand waiting;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.wakeup != null) {
				this.wakeup.cancel().run();
				this.wakeup = null;
			}
			running = this.inFlight;
			this.inFlight = null;
			waiting = this.demand;
			this.demand = null;
		}
		if (running != null) {
			running.abandon();
		}
		if (waiting != null) {
			waiting.future.completeExceptionally(closed());
		}
		this.scheduler.shutdown();
	}

	@Override
	public String toString() {
		return "LakebaseCredentialCache[" + this.source + "]";
	}

	/**
	 * Returns how many callers wait for a credential, for tests that need truly concurrent callers.
	 */
	int waitingCallers() {
		synchronized (this.lock) {
			return (this.demand != null) ? this.demand.waiters : 0;
		}
	}

	// Called with the lock held: the caller waits for the next credential, with the others.
	private Demand join() {
		this.started = true;
		if (this.demand == null) {
			this.demand = new Demand();
		}
		this.demand.waiters++;
		return this.demand;
	}

	private void leave(Demand waiting) {
		synchronized (this.lock) {
			waiting.waiters--;
			if (waiting.waiters == 0 && this.demand == waiting) {
				// Nobody waits any more: the background schedule takes over, and what it brings
				// replaces nothing refused, whichever caller left last.
				this.demand = null;
				this.replacementRequested = false;
			}
		}
	}

	private LakebaseCredential await(Demand waiting, Duration timeout) {
		try {
			return waiting.future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			Failure failure = this.lastFailure;
			throw new LakebaseCredentialException("No Lakebase database credential within "
					+ Duration.ofMillis(timeout.toMillis()) + " ("
					+ ((failure != null) ? "the last attempt failed: " + failure.message()
							: "the credential API has not answered yet")
					+ ")", (failure != null) ? failure.cause() : ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			// A new exception, so that each caller's stack trace shows its own call.
			throw new LakebaseCredentialException(String.valueOf(cause.getMessage()), cause.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LakebaseCredentialException("Interrupted while waiting for a Lakebase database credential", ex);
		}
	}

	private @Nullable Attempt replan() {
		synchronized (this.lock) {
			return plan(this.scheduler.nanoTime());
		}
	}

	/**
	 * Starts the next attempt if it is due, else makes sure a wake-up will plan again when it is.
	 * Called with the lock held; the attempt it returns is launched once the lock is released.
	 */
	private @Nullable Attempt plan(long now) {
		if (this.closed || this.inFlight != null || !this.started) {
			return null;
		}
		long due = now;
		if (this.attempted) {
			due = later(due, this.lastAttemptStart + MIN_ATTEMPT_SPACING.toNanos());
		}
		if (this.demand != null) {
			if (this.consecutiveFailures > 0) {
				due = later(due, this.nextDemandAttempt);
			}
		}
		else {
			Cached cached = this.current;
			if (cached != null) {
				due = later(due, cached.refreshAt());
			}
			if (this.consecutiveFailures > 0) {
				due = later(due, this.nextBackgroundAttempt);
			}
		}
		if (due - now <= 0) {
			return startAttempt(now);
		}
		scheduleWakeup(due, now);
		return null;
	}

	private void scheduleWakeup(long due, long now) {
		if (this.wakeup != null) {
			if (this.wakeup.at() - due <= 0) {
				// An earlier wake-up will plan again.
				return;
			}
			this.wakeup.cancel().run();
		}
		Wakeup[] scheduled = new Wakeup[1];
		Runnable cancel = this.scheduler.schedule(() -> wakeUp(scheduled[0]), due - now);
		scheduled[0] = new Wakeup(due, cancel);
		this.wakeup = scheduled[0];
	}

	private void wakeUp(Wakeup fired) {
		Attempt attempt;
		synchronized (this.lock) {
			if (this.wakeup != fired) {
				return;
			}
			this.wakeup = null;
			attempt = plan(this.scheduler.nanoTime());
		}
		launch(attempt);
	}

	private Attempt startAttempt(long now) {
		Attempt attempt = new Attempt(now, this.scheduler.now());
		this.inFlight = attempt;
		this.attempted = true;
		this.lastAttemptStart = now;
		attempt.cancelTimeout = this.scheduler.schedule(() -> timedOut(attempt), this.fetchTimeout.toNanos());
		return attempt;
	}

	private void launch(@Nullable Attempt attempt) {
		if (attempt == null) {
			return;
		}
		try {
			this.scheduler.execute(() -> run(attempt));
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: close() has ended the waits.
		}
	}

	private void run(Attempt attempt) {
		attempt.running(Thread.currentThread());
		long start = this.scheduler.nanoTime();
		LakebaseCredential credential = null;
		Throwable failure = null;
		try {
			credential = this.source.fetch();
			if (credential == null) {
				failure = new LakebaseCredentialException("The credential source returned no credential", null);
			}
		}
		catch (Throwable ex) {
			// An Error too (an SDK version mismatch, say): it must not leave the attempt in flight.
			failure = ex;
		}
		finally {
			attempt.finished();
		}
		Duration retryAfter = (failure != null) ? retryAfter() : null;
		completed(attempt, credential, failure, retryAfter, Duration.ofNanos(this.scheduler.nanoTime() - start));
	}

	private void completed(Attempt attempt, @Nullable LakebaseCredential credential, @Nullable Throwable fetchFailure,
			@Nullable Duration retryAfter, Duration took) {
		Throwable failure = fetchFailure;
		Cached obtained = null;
		Demand answered = null;
		LakebaseCredentialException permanentFailure = null;
		int recoveredAfter = 0;
		boolean report = false;
		boolean firstFailure = false;
		Attempt next;
		synchronized (this.lock) {
			boolean live = (this.inFlight == attempt);
			if (live) {
				this.inFlight = null;
				attempt.cancelTimeout.run();
			}
			if (this.closed) {
				// Shutting down: an interrupted call is no failure worth reporting.
				return;
			}
			long now = this.scheduler.nanoTime();
			if (failure == null) {
				obtained = cached(credential, attempt, now);
				if (obtained == null) {
					failure = expiredOnArrival(credential);
				}
			}
			// A call abandoned after its timeout may still bring a credential: keep it if it helps.
			if (obtained != null && (live || obtained.isBetterThan(this.current, now))) {
				recoveredAfter = this.consecutiveFailures;
				if (this.replacementRequested) {
					obtained = obtained.asReplacement();
					this.replacementRequested = false;
				}
				this.current = obtained;
				this.consecutiveFailures = 0;
				this.lastRefresh = this.scheduler.now();
				this.lastFailure = null;
				answered = this.demand;
				this.demand = null;
			}
			else if (failure != null && live) {
				report = true;
				firstFailure = (this.consecutiveFailures == 0);
				recordFailure(failure, retryAfter, now);
				if (!Failures.isTransient(failure)) {
					// Retrying cannot fix it: end every wait now rather than at each caller's timeout.
					answered = this.demand;
					this.demand = null;
					permanentFailure = new LakebaseCredentialException(
							"Could not obtain a Lakebase database credential: " + Failures.describe(failure), failure);
				}
			}
			next = plan(now);
		}
		if (answered != null && permanentFailure != null) {
			answered.future.completeExceptionally(permanentFailure);
		}
		else if (answered != null && obtained != null) {
			answered.future.complete(obtained.credential());
		}
		if (recoveredAfter > 0) {
			logger.info("Obtained a Lakebase database credential after {} failed attempts", recoveredAfter);
		}
		if (report) {
			reportFailure(failure, firstFailure);
		}
		notifyListeners(credential, failure, took);
		launch(next);
	}

	private void timedOut(Attempt attempt) {
		Attempt next;
		LakebaseCredentialException failure = new LakebaseCredentialException(
				"The credential API did not answer within " + this.fetchTimeout,
				new TimeoutException("credential API call abandoned after " + this.fetchTimeout));
		boolean firstFailure;
		// Read before the lock: the source may ask its HTTP client.
		Duration retryAfter = retryAfter();
		synchronized (this.lock) {
			if (this.inFlight != attempt || this.closed) {
				return;
			}
			this.inFlight = null;
			long now = this.scheduler.nanoTime();
			firstFailure = (this.consecutiveFailures == 0);
			recordFailure(failure, retryAfter, now);
			next = plan(now);
		}
		// The Databricks SDK sleeps through Retry-After on this thread: the interrupt ends the sleep.
		attempt.abandon();
		reportFailure(failure, firstFailure);
		launch(next);
	}

	private @Nullable Duration retryAfter() {
		try {
			return this.source.retryAfter();
		}
		catch (RuntimeException ex) {
			// No workspace client to ask (its configuration failed): the backoff applies.
			return null;
		}
	}

	private void recordFailure(Throwable failure, @Nullable Duration retryAfter, long now) {
		this.consecutiveFailures++;
		String message = Failures.describe(failure);
		if (retryAfter != null && !retryAfter.isNegative()) {
			// The workspace said when to come back: then, with a little jitter, neither sooner (it
			// would be refused) nor much later (a deploy storm would wait longer than it must).
			// Beyond a bound, a Retry-After is more likely a mistake than a plan.
			Duration wait = (retryAfter.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : retryAfter;
			long delay = wait.toNanos() + (long) (this.random.getAsDouble() * RETRY_AFTER_JITTER * wait.toNanos());
			this.nextBackgroundAttempt = now + delay;
			this.nextDemandAttempt = now + delay;
			message += "; the workspace asked for no call within the next " + Math.max(1, wait.toSeconds())
					+ " s (Retry-After)";
		}
		else {
			this.nextBackgroundAttempt = now
					+ Backoff.delayNanos(this.consecutiveFailures, MAX_BACKOFF, this.random.getAsDouble());
			this.nextDemandAttempt = now
					+ Backoff.delayNanos(this.consecutiveFailures, MAX_DEMAND_BACKOFF, this.random.getAsDouble());
		}
		this.lastFailure = new Failure(message, failure);
	}

	private void reportFailure(Throwable failure, boolean first) {
		Cached cached = this.current;
		boolean valid = cached != null && cached.isUsable(this.scheduler.nanoTime());
		String message = "Could not obtain a Lakebase database credential (" + Failures.describe(failure) + ")"
				+ (valid ? "; the cached credential stays in use until it expires" : "") + "; retrying with backoff";
		// One warning per run of failures: the health indicator and the metrics show the rest.
		if (first) {
			logger.warn(message);
		}
		else {
			logger.debug(message);
		}
	}

	private void notifyListeners(@Nullable LakebaseCredential credential, @Nullable Throwable failure,
			Duration took) {
		for (LakebaseCredentialListener listener : this.listeners) {
			try {
				if (failure == null && credential != null) {
					listener.fetched(credential, took);
				}
				else if (failure != null) {
					listener.fetchFailed(failure, took);
				}
			}
			catch (Throwable ex) {
				logger.warn("A Lakebase credential listener ({}) failed: {}", listener.getClass().getName(),
						Failures.describe(ex));
			}
		}
	}

	private @Nullable Cached cached(@Nullable LakebaseCredential credential, Attempt attempt, long now) {
		if (credential == null) {
			return null;
		}
		Duration maximum = this.source.maximumLifetime();
		Instant issuedAt = credential.issuedAt();
		Duration lifetime;
		if (issuedAt != null) {
			// The workspace's own clock: its issue and expiry times, whatever this machine's says.
			lifetime = Duration.between(issuedAt, credential.expiresAt());
			reportSkew(Duration.between(issuedAt, attempt.startWall));
		}
		else {
			// Measured from when the call started: the workspace computed the expiry later than that.
			lifetime = Duration.between(attempt.startWall, credential.expiresAt());
			if (lifetime.compareTo(maximum.plus(CLOCK_SKEW_WARNING)) > 0 && !this.clockSkewReported) {
				this.clockSkewReported = true;
				logger.warn("A Lakebase database credential expires at {}, {} from now by this machine's clock, "
						+ "longer than the {} requested: this clock may be behind the workspace's. The credential is "
						+ "treated as valid for {}.", credential.expiresAt(), lifetime, maximum, maximum);
			}
		}
		if (lifetime.compareTo(maximum) > 0) {
			lifetime = maximum;
		}
		if (lifetime.isNegative() || lifetime.isZero()) {
			return null;
		}
		RefreshPolicy.Times times = this.refreshPolicy.times(lifetime, attempt.startNanos, this.random.getAsDouble());
		if (times.usableUntil() - now <= 0) {
			return null;
		}
		return new Cached(credential, times.expiresAt(), times.usableUntil(), times.refreshAt(), times.freshUntil(),
				false);
	}

	// Once: a skew the workspace's issue time shows (this machine's clock ahead of it, or behind).
	private void reportSkew(Duration skew) {
		if (skew.abs().compareTo(CLOCK_SKEW_WARNING) > 0 && !this.clockSkewReported) {
			this.clockSkewReported = true;
			logger.warn("This machine's clock is {} {} the Lakebase workspace's (by the issue time of a database "
					+ "credential): credential lifetimes are taken from the workspace's clock; check this machine's "
					+ "time synchronisation (NTP)", skew.abs().withNanos(0), skew.isNegative() ? "behind" : "ahead of");
		}
	}

	private LakebaseCredentialException expiredOnArrival(@Nullable LakebaseCredential credential) {
		return new LakebaseCredentialException("The credential API answered with a credential expiring at "
				+ ((credential != null) ? credential.expiresAt() : null) + ", which leaves no usable time by this "
				+ "machine's clock (" + this.scheduler.now() + "): this clock may be ahead of the workspace's; "
				+ "check its time synchronisation (NTP)", null);
	}

	private static LakebaseCredentialException closed() {
		return new LakebaseCredentialException(
				"The Lakebase credential cache is closed (the application is shutting down)", null);
	}

	private static long later(long a, long b) {
		return (b - a > 0) ? b : a;
	}

	/**
	 * A cached credential with its times on the monotonic clock.
	 */
	private record Cached(LakebaseCredential credential, long expiresAt, long usableUntil, long refreshAt,
			long freshUntil, boolean replacement) {

		Cached asReplacement() {
			return new Cached(this.credential, this.expiresAt, this.usableUntil, this.refreshAt, this.freshUntil, true);
		}

		boolean isUsable(long now) {
			return this.usableUntil - now > 0;
		}

		boolean isRefreshDue(long now) {
			return now - this.refreshAt >= 0;
		}

		boolean isFresh(long now) {
			return this.freshUntil - now > 0;
		}

		boolean isBetterThan(@Nullable Cached other, long now) {
			return other == null || !other.isUsable(now) || this.expiresAt - other.expiresAt > 0;
		}

	}

	/**
	 * One call to the credential API.
	 */
	private static final class Attempt {

		private final long startNanos;

		private final Instant startWall;

		private Runnable cancelTimeout = () -> {
		};

		private @Nullable Thread thread;

		private volatile boolean abandoned;

		Attempt(long startNanos, Instant startWall) {
			this.startNanos = startNanos;
			this.startWall = startWall;
		}

		synchronized void running(Thread thread) {
			this.thread = thread;
		}

		synchronized void finished() {
			this.thread = null;
			// An interrupt meant for this call must not reach the next task of the pooled thread.
			Thread.interrupted();
		}

		synchronized void abandon() {
			this.abandoned = true;
			this.cancelTimeout.run();
			if (this.thread != null) {
				this.thread.interrupt();
			}
		}

	}

	/**
	 * Callers waiting for a usable credential.
	 */
	private static final class Demand {

		private final CompletableFuture<LakebaseCredential> future = new CompletableFuture<>();

		private int waiters;

	}

	private record Wakeup(long at, Runnable cancel) {
	}

	private record Failure(String message, Throwable cause) {
	}

	/**
	 * Builds a {@link LakebaseCredentialCache}.
	 */
	public static final class Builder {

		private final LakebaseCredentialSource source;

		private Duration refreshBefore = DEFAULT_REFRESH_BEFORE;

		private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;

		private final List<LakebaseCredentialListener> listeners = new ArrayList<>();

		private @Nullable CacheScheduler scheduler;

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Builder(LakebaseCredentialSource source) {
			this.source = Objects.requireNonNull(source, "source");
		}

		/**
		 * Sets how long before expiry to refresh in the background (default 5 minutes, at most
		 * half the lifetime).
		 * @param refreshBefore the refresh window
		 * @return this
		 */
		public Builder refreshBefore(Duration refreshBefore) {
			this.refreshBefore = positive(refreshBefore, "credential.refresh-before");
			return this;
		}

		/**
		 * Sets how long one call to the credential API may take, and how long {@link #get()}
		 * waits when no usable credential is cached (default 10 seconds).
		 * @param fetchTimeout the timeout
		 * @return this
		 */
		public Builder fetchTimeout(Duration fetchTimeout) {
			this.fetchTimeout = positive(fetchTimeout, "credential.fetch-timeout");
			return this;
		}

		/**
		 * Adds listeners, told about every call to the credential API.
		 * @param listeners the listeners
		 * @return this
		 */
		public Builder listeners(List<? extends LakebaseCredentialListener> listeners) {
			this.listeners.addAll(listeners);
			return this;
		}

		Builder scheduler(CacheScheduler scheduler) {
			this.scheduler = scheduler;
			return this;
		}

		Builder random(DoubleSupplier random) {
			this.random = random;
			return this;
		}

		/**
		 * Builds the cache. It calls the API only once a credential is asked for.
		 * @return the cache
		 */
		public LakebaseCredentialCache build() {
			return new LakebaseCredentialCache(this);
		}

		// Shared by every builder of the core whose durations must be positive.
		static Duration positive(Duration duration, String setting) {
			Objects.requireNonNull(duration, setting);
			if (duration.isNegative() || duration.isZero()) {
				throw new LakebaseConfigurationException(setting, duration.toString(),
						"The duration " + duration + " is not positive", "Use a positive duration, such as 10s.");
			}
			return duration;
		}

	}

}
