package io.lakebase.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Fault and latency injection for tests and benchmarks. Every switch takes effect at once and
 * stays until changed or {@link #reset() reset}.
 */
public final class Faults {

	private volatile Duration credentialLatency = Duration.ZERO;

	private final AtomicReference<@Nullable PlannedFailures> plannedFailures = new AtomicReference<>();

	private final AtomicReference<@Nullable PlannedFailures> plannedLookupFailures = new AtomicReference<>();

	private volatile boolean apiOutage;

	private volatile int apiOutageStatus = 503;

	private volatile boolean workspaceOutage;

	private final AtomicReference<@Nullable RateLimit> credentialRateLimit = new AtomicReference<>();

	private volatile Instant loginsRejectedUntil = Instant.MIN;

	private final Set<String> downHosts = ConcurrentHashMap.newKeySet();

	private final Runnable suspendCompute;

	private final Runnable restartDatabase;

	private final Consumer<String> closeSessionsOnHost;

	private final Predicate<String> servesHost;

	Faults(Runnable suspendCompute, Runnable restartDatabase, Consumer<String> closeSessionsOnHost,
			Predicate<String> servesHost) {
		this.suspendCompute = suspendCompute;
		this.restartDatabase = restartDatabase;
		this.closeSessionsOnHost = closeSessionsOnHost;
		this.servesHost = servesHost;
	}

	/**
	 * Delays every credential request by the given time before it is answered.
	 * @param latency the added latency, zero for none
	 * @return this
	 */
	public Faults credentialLatency(Duration latency) {
		this.credentialLatency = requireNonNegative(latency);
		return this;
	}

	/**
	 * Answers the next credential requests with an error, as a throttled or overloaded API does.
	 * @param count how many requests fail
	 * @param status 429 or 503
	 * @param retryAfter the {@code Retry-After} to send (whole seconds), or {@code null} for none
	 * @return this
	 */
	public Faults failNextCredentialRequests(int count, int status, @Nullable Duration retryAfter) {
		if (status != 429 && status != 503) {
			throw new IllegalArgumentException("status must be 429 or 503, got " + status);
		}
		this.plannedFailures.set((count > 0) ? new PlannedFailures(count, status, retryAfter) : null);
		return this;
	}

	/**
	 * Answers the next endpoint and instance lookups ({@code GET /api/2.0/postgres/...},
	 * {@code GET /api/2.0/database/instances/...}) with an error, as a throttled API does.
	 * @param count how many lookups fail
	 * @param status 429 or 503
	 * @param retryAfter the {@code Retry-After} to send (whole seconds), or {@code null} for none
	 * @return this
	 */
	public Faults failNextLookups(int count, int status, @Nullable Duration retryAfter) {
		if (status != 429 && status != 503) {
			throw new IllegalArgumentException("status must be 429 or 503, got " + status);
		}
		this.plannedLookupFailures.set((count > 0) ? new PlannedFailures(count, status, retryAfter) : null);
		return this;
	}

	/**
	 * Turns a workspace API outage on or off: every {@code /api/} request answers 503.
	 * @param down whether the API is down
	 * @return this
	 */
	public Faults apiOutage(boolean down) {
		this.apiOutage = down;
		return this;
	}

	/**
	 * Turns a workspace API outage on or off, answering every {@code /api/} request with the given
	 * status: 503 (which the Databricks SDK retries) or 500 (which it does not).
	 * @param down whether the API is down
	 * @param status 500 or 503
	 * @return this
	 */
	public Faults apiOutage(boolean down, int status) {
		if (status != 500 && status != 503) {
			throw new IllegalArgumentException("status must be 500 or 503, got " + status);
		}
		this.apiOutageStatus = status;
		this.apiOutage = down;
		return this;
	}

	/**
	 * Turns a whole workspace outage on or off: every request, OAuth discovery and token endpoint
	 * included, answers 503, as an unreachable or restarting workspace would.
	 * @param down whether the workspace is down
	 * @return this
	 */
	public Faults workspaceOutage(boolean down) {
		this.workspaceOutage = down;
		return this;
	}

	/**
	 * Limits the credential API to a number of calls per second (a token bucket of that size,
	 * refilled continuously); calls beyond it answer 429 with {@code Retry-After}, as a throttled
	 * API does when a fleet starts at once.
	 * @param callsPerSecond the calls allowed per second, or 0 to lift the limit
	 * @param retryAfter the {@code Retry-After} to send (whole seconds)
	 * @return this
	 */
	public Faults limitCredentialRate(int callsPerSecond, Duration retryAfter) {
		return limitCredentialRate(callsPerSecond, Duration.ofSeconds(1), retryAfter);
	}

	/**
	 * Limits the credential API to a number of calls per period (a token bucket of that size,
	 * refilled continuously): {@code limitCredentialRate(1, Duration.ofSeconds(5), ...)} allows one
	 * call every five seconds. Calls beyond it answer 429 with {@code Retry-After}.
	 * @param calls the calls allowed per period, or 0 to lift the limit
	 * @param period the period, positive
	 * @param retryAfter the {@code Retry-After} to send (whole seconds)
	 * @return this
	 */
	public Faults limitCredentialRate(int calls, Duration period, Duration retryAfter) {
		requireNonNegative(retryAfter);
		if (period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("period must be positive, got " + period);
		}
		this.credentialRateLimit.set((calls > 0) ? new RateLimit(calls, period, retryAfter) : null);
		return this;
	}

	/**
	 * Refuses every login with {@code 28P01} for a while, whatever the password.
	 * @param duration how long logins are refused
	 * @return this
	 */
	public Faults rejectLoginsFor(Duration duration) {
		this.loginsRejectedUntil = Instant.now().plus(requireNonNegative(duration));
		return this;
	}

	/**
	 * Turns refusing every login on or off.
	 * @param rejected whether logins are refused
	 * @return this
	 */
	public Faults rejectLogins(boolean rejected) {
		this.loginsRejectedUntil = rejected ? Instant.MAX : Instant.MIN;
		return this;
	}

	/**
	 * Suspends the compute (scale to zero): open connections are closed and the next login waits
	 * for the resume delay before it is served.
	 * @return this
	 */
	public Faults suspendCompute() {
		this.suspendCompute.run();
		return this;
	}

	/**
	 * Restarts the PostgreSQL server, closing every connection; data is kept.
	 * @return this
	 */
	public Faults restartDatabase() {
		this.restartDatabase.run();
		return this;
	}

	/**
	 * Takes one compute down or brings it back, as a failed primary or replica: while it is down,
	 * every open session on its host is closed and every new connection to the host is refused at
	 * startup, before authentication, with {@code 57P03} ("the database system is not accepting
	 * connections"). Other hosts are unaffected, and the data stays (all hosts share one database).
	 * Computes that share an address (see {@link LocalLakebase#host(String)}) go down together.
	 * @param host the address of the compute, such as {@code 127.0.0.2}
	 * @param down whether the host is down
	 * @return this
	 * @throws IllegalArgumentException if the login front does not listen on the host
	 */
	public Faults hostDown(String host, boolean down) {
		Objects.requireNonNull(host, "host");
		if (!this.servesHost.test(host)) {
			throw new IllegalArgumentException("The local Lakebase has no compute at host '" + host + "'");
		}
		if (down) {
			// Down first, then close: a login that registers its session after the close sees the
			// flag and ends itself, so no session on the host survives.
			this.downHosts.add(host);
			this.closeSessionsOnHost.accept(host);
		}
		else {
			this.downHosts.remove(host);
		}
		return this;
	}

	/**
	 * Clears every injected fault; every host that was down is back.
	 * @return this
	 */
	public Faults reset() {
		this.credentialLatency = Duration.ZERO;
		this.plannedFailures.set(null);
		this.plannedLookupFailures.set(null);
		this.apiOutage = false;
		this.apiOutageStatus = 503;
		this.workspaceOutage = false;
		this.credentialRateLimit.set(null);
		this.loginsRejectedUntil = Instant.MIN;
		this.downHosts.clear();
		return this;
	}

	Duration credentialLatency() {
		return this.credentialLatency;
	}

	boolean isApiDown() {
		return this.apiOutage;
	}

	int apiOutageStatus() {
		return this.apiOutageStatus;
	}

	boolean isWorkspaceDown() {
		return this.workspaceOutage;
	}

	/**
	 * Takes one call from the credential rate limit.
	 * @return the {@code Retry-After} to answer with when the call is over the limit, else
	 * {@code null}
	 */
	@Nullable Duration takeCredentialRate() {
		RateLimit limit = this.credentialRateLimit.get();
		return (limit != null && !limit.tryTake()) ? limit.retryAfter() : null;
	}

	boolean isHostDown(String host) {
		return this.downHosts.contains(host);
	}

	boolean areLoginsRejected() {
		return Instant.now().isBefore(this.loginsRejectedUntil);
	}

	/**
	 * Takes one planned credential failure, if any is left.
	 * @return the failure to answer with, or {@code null}
	 */
	@Nullable PlannedFailures takeCredentialFailure() {
		return take(this.plannedFailures);
	}

	/**
	 * Takes one planned lookup failure, if any is left.
	 * @return the failure to answer with, or {@code null}
	 */
	@Nullable PlannedFailures takeLookupFailure() {
		return take(this.plannedLookupFailures);
	}

	private static @Nullable PlannedFailures take(AtomicReference<@Nullable PlannedFailures> planned) {
		while (true) {
			PlannedFailures current = planned.get();
			if (current == null) {
				return null;
			}
			PlannedFailures next = (current.remaining() > 1)
					? new PlannedFailures(current.remaining() - 1, current.status(), current.retryAfter()) : null;
			if (planned.compareAndSet(current, next)) {
				return current;
			}
		}
	}

	private static Duration requireNonNegative(Duration duration) {
		Objects.requireNonNull(duration, "duration");
		if (duration.isNegative()) {
			throw new IllegalArgumentException("duration must not be negative");
		}
		return duration;
	}

	record PlannedFailures(int remaining, int status, @Nullable Duration retryAfter) {
	}

	/**
	 * A token bucket holding at most one period of calls.
	 */
	static final class RateLimit {

		private final int burst;

		private final double callsPerNano;

		private final Duration retryAfter;

		private double tokens;

		private long refilledAt = System.nanoTime();

		RateLimit(int calls, Duration period, Duration retryAfter) {
			this.burst = calls;
			this.callsPerNano = calls / (double) period.toNanos();
			this.retryAfter = retryAfter;
			this.tokens = calls;
		}

		synchronized boolean tryTake() {
			long now = System.nanoTime();
			this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.callsPerNano);
			this.refilledAt = now;
			if (this.tokens < 1) {
				return false;
			}
			this.tokens--;
			return true;
		}

		Duration retryAfter() {
			return this.retryAfter;
		}

	}

}
