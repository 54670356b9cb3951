package io.lakebase.spring.autoconfigure.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one valid database credential ahead of need, so that opening a connection never waits on
 * the credential API in steady state.
 * <ul>
 * <li>One API call per credential lifetime: the first {@link #get()} fetches, then a background
 * refresh runs once the remaining life drops below {@code min(refreshBefore, lifetime / 2)}.</li>
 * <li>Concurrent callers share one in-flight fetch.</li>
 * <li>A failed refresh keeps the still-valid credential and retries with exponential backoff
 * (1 s doubling to 1 min).</li>
 * <li>Only when no valid credential is left does a caller block, for at most the fetch timeout,
 * and then fail with a {@link LakebaseCredentialException}.</li>
 * <li>A credential that expires within the safety margin (30 s, or a fifth of its lifetime for
 * very short-lived ones) is never handed out.</li>
 * </ul>
 */
public final class LakebaseCredentialCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LakebaseCredentialCache.class);

	static final Duration MAX_SAFETY_MARGIN = Duration.ofSeconds(30);

	static final Duration MIN_BACKOFF = Duration.ofSeconds(1);

	static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	private final LakebaseCredentialSource source;

	private final Duration refreshBefore;

	private final Duration fetchTimeout;

	private final Clock clock;

	private final List<LakebaseCredentialListener> listeners;

	private final ScheduledExecutorService scheduler;

	private final Object lock = new Object();

	private volatile @Nullable LakebaseCredential current;

	private volatile @Nullable Instant lastRefresh;

	private volatile @Nullable String lastError;

	// Guarded by lock.
	private @Nullable CompletableFuture<LakebaseCredential> inFlight;

	private @Nullable ScheduledFuture<?> nextRefresh;

	private int consecutiveFailures;

	private Instant nextAttemptAt = Instant.MIN;

	private boolean closed;

	/**
	 * Creates a cache.
	 * @param source where credentials come from
	 * @param refreshBefore how long before expiry to refresh (capped at half the lifetime)
	 * @param fetchTimeout how long a caller waits when no valid credential is cached
	 * @param clock the clock
	 * @param listeners told about every fetch
	 */
	public LakebaseCredentialCache(LakebaseCredentialSource source, Duration refreshBefore, Duration fetchTimeout,
			Clock clock, List<LakebaseCredentialListener> listeners) {
		this.source = source;
		this.refreshBefore = refreshBefore;
		this.fetchTimeout = fetchTimeout;
		this.clock = clock;
		this.listeners = List.copyOf(listeners);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "lakebase-credential-refresh");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Returns a credential that stays valid for at least the safety margin, fetching one first
	 * only when none is cached.
	 * @return a valid credential
	 * @throws LakebaseCredentialException when no valid credential can be had in time
	 */
	public LakebaseCredential get() {
		LakebaseCredential credential = this.current;
		Instant now = this.clock.instant();
		if (credential != null && isUsable(credential, now)) {
			if (!now.isBefore(refreshAt(credential))) {
				// The scheduled refresh is late (a suspended JVM, say): start it now, in the background.
				refreshInBackground();
			}
			return credential;
		}
		CompletableFuture<LakebaseCredential> fetch;
		synchronized (this.lock) {
			if (this.closed) {
				throw new LakebaseCredentialException("The Lakebase credential cache is closed", null);
			}
			if (this.inFlight == null && now.isBefore(this.nextAttemptAt)) {
				// Backing off after a failure: fail fast instead of calling the API once per caller.
				throw new LakebaseCredentialException("No valid Lakebase database credential: the last attempt failed ("
						+ this.lastError + "); the next attempt is at " + this.nextAttemptAt, null);
			}
			fetch = startFetch();
		}
		return await(fetch);
	}

	/**
	 * Returns the cached credential without fetching, valid or not.
	 * @return the cached credential, if any
	 */
	public Optional<LakebaseCredential> current() {
		return Optional.ofNullable(this.current);
	}

	/**
	 * Returns when a credential was last obtained.
	 * @return the time of the last successful fetch, if any
	 */
	public Optional<Instant> lastRefresh() {
		return Optional.ofNullable(this.lastRefresh);
	}

	/**
	 * Returns the error of the last fetch if it failed.
	 * @return the error message, empty after a successful fetch
	 */
	public Optional<String> lastError() {
		return Optional.ofNullable(this.lastError);
	}

	/**
	 * Drops a credential that the database refused, so that the next {@link #get()} fetches a
	 * new one. Does nothing if a newer credential is already cached.
	 * @param refused the credential that was refused at login
	 */
	public void invalidate(LakebaseCredential refused) {
		synchronized (this.lock) {
			if (this.current == refused) {
				this.current = null;
				this.nextAttemptAt = Instant.MIN;
			}
		}
	}

	/**
	 * Stops the background refresh.
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.nextRefresh != null) {
				this.nextRefresh.cancel(false);
			}
		}
		this.scheduler.shutdownNow();
	}

	private LakebaseCredential await(CompletableFuture<LakebaseCredential> fetch) {
		try {
			return fetch.get(this.fetchTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new LakebaseCredentialException(
					"No Lakebase database credential within " + this.fetchTimeout + " (the credential API is slow or unreachable)",
					ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new LakebaseCredentialException(
					"Could not obtain a Lakebase database credential: " + describe(cause), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LakebaseCredentialException("Interrupted while waiting for a Lakebase database credential", ex);
		}
	}

	private void refreshInBackground() {
		synchronized (this.lock) {
			if (!this.closed && this.inFlight == null && !this.clock.instant().isBefore(this.nextAttemptAt)) {
				startFetch();
			}
		}
	}

	private void scheduledRefresh() {
		// The schedule itself honours the backoff: start regardless of the wall clock.
		synchronized (this.lock) {
			if (!this.closed) {
				startFetch();
			}
		}
	}

	// Called with the lock held.
	private CompletableFuture<LakebaseCredential> startFetch() {
		CompletableFuture<LakebaseCredential> fetch = this.inFlight;
		if (fetch != null) {
			return fetch;
		}
		CompletableFuture<LakebaseCredential> started = new CompletableFuture<>();
		this.inFlight = started;
		this.scheduler.execute(() -> fetch(started));
		return started;
	}

	private void fetch(CompletableFuture<LakebaseCredential> result) {
		long start = System.nanoTime();
		LakebaseCredential credential;
		try {
			credential = this.source.fetch();
		}
		catch (RuntimeException ex) {
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			Duration backoff = failed(ex);
			logger.warn("Could not refresh the Lakebase database credential (" + describe(ex) + "); retrying in "
					+ backoff);
			this.listeners.forEach((listener) -> listener.fetchFailed(ex, took));
			result.completeExceptionally(ex);
			return;
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		succeeded(credential);
		if (logger.isDebugEnabled()) {
			logger.debug("Obtained a Lakebase database credential expiring at " + credential.expiresAt() + " in "
					+ took.toMillis() + " ms");
		}
		this.listeners.forEach((listener) -> listener.fetched(credential, took));
		result.complete(credential);
	}

	private void succeeded(LakebaseCredential credential) {
		synchronized (this.lock) {
			this.current = credential;
			this.lastRefresh = this.clock.instant();
			this.lastError = null;
			this.consecutiveFailures = 0;
			this.nextAttemptAt = Instant.MIN;
			this.inFlight = null;
			scheduleRefresh(Duration.between(this.clock.instant(), refreshAt(credential)));
		}
	}

	private Duration failed(RuntimeException ex) {
		synchronized (this.lock) {
			this.lastError = describe(ex);
			this.consecutiveFailures++;
			Duration backoff = backoff(this.consecutiveFailures);
			this.nextAttemptAt = this.clock.instant().plus(backoff);
			this.inFlight = null;
			scheduleRefresh(backoff);
			return backoff;
		}
	}

	// Called with the lock held.
	private void scheduleRefresh(Duration delay) {
		if (this.closed) {
			return;
		}
		if (this.nextRefresh != null) {
			this.nextRefresh.cancel(false);
		}
		long millis = Math.max(0, delay.toMillis());
		this.nextRefresh = this.scheduler.schedule(this::scheduledRefresh, millis, TimeUnit.MILLISECONDS);
	}

	private boolean isUsable(LakebaseCredential credential, Instant now) {
		return Duration.between(now, credential.expiresAt()).compareTo(safetyMargin(credential)) > 0;
	}

	private Instant refreshAt(LakebaseCredential credential) {
		Duration halfLife = credential.lifetime().dividedBy(2);
		Duration window = (this.refreshBefore.compareTo(halfLife) < 0) ? this.refreshBefore : halfLife;
		return credential.expiresAt().minus(window);
	}

	static Duration safetyMargin(LakebaseCredential credential) {
		Duration fifth = credential.lifetime().dividedBy(5);
		return (fifth.compareTo(MAX_SAFETY_MARGIN) < 0) ? fifth : MAX_SAFETY_MARGIN;
	}

	static Duration backoff(int failures) {
		long millis = MIN_BACKOFF.toMillis() << Math.min(failures - 1, 16);
		return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
	}

	private static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
