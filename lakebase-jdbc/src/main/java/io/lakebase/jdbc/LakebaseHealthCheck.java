package io.lakebase.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Tells whether a new connection to Lakebase can be opened now, within a timeout, without a
 * physical login in steady state: the verdict rests on the latest login of the pool's
 * {@link LakebaseLogins} and on the cached credential. Only when there is no login yet, or the
 * latest one failed, does it log in itself (a probe, on a thread of its own, at most once a
 * second), so that it notices a recovery by itself. It reads the pieces' state; it changes none.
 *
 * @since 0.1.0
 */
public final class LakebaseHealthCheck {

	static final Duration PROBE_SPACING = Duration.ofSeconds(1);

	private final LakebaseLogins logins;

	private final LongSupplier nanoClock;

	// The latest probe and when it started: replaced atomically, never held across its login.
	private final AtomicReference<@Nullable Probe> probe = new AtomicReference<>();

	/**
	 * Creates a check of what logs in for a pool.
	 * @param logins the pool's login data source or connection factory
	 */
	public LakebaseHealthCheck(LakebaseLogins logins) {
		this(logins, System::nanoTime);
	}

	LakebaseHealthCheck(LakebaseLogins logins, LongSupplier nanoClock) {
		this.logins = Objects.requireNonNull(logins, "logins");
		this.nanoClock = nanoClock;
	}

	/**
	 * Returns what is checked.
	 * @return the logins
	 */
	public LakebaseLogins logins() {
		return this.logins;
	}

	/**
	 * Checks health.
	 * @param timeout how long to wait at most
	 * @return the health, never holding a secret
	 */
	public LakebaseHealth check(Duration timeout) {
		long deadline = this.nanoClock.getAsLong() + timeout.toNanos();
		LakebaseCredentialCache credentials = this.logins.credentials();
		String error = null;
		if (!credentials.status().usable()) {
			try {
				credentials.get(timeout);
			}
			catch (LakebaseCredentialException ex) {
				error = ex.getMessage();
			}
		}
		LakebaseLoginOutcome login = this.logins.lastLogin().orElse(null);
		if (error == null && (login == null || !login.succeeded())) {
			login = probe(Duration.ofNanos(Math.max(0, deadline - this.nanoClock.getAsLong())));
			if (login == null) {
				error = "No login to Lakebase completed within " + timeout;
			}
			else if (!login.succeeded()) {
				error = login.error();
			}
		}
		LakebaseResolver resolver = this.logins.resolver();
		return new LakebaseHealth(error == null, error, resolver.target(), resolver.resolved().orElse(null),
				credentials.status(), login);
	}

	private @Nullable LakebaseLoginOutcome probe(Duration wait) {
		long now = this.nanoClock.getAsLong();
		Probe current = this.probe.get();
		if (current == null || (current.future.isDone() && now - current.startedAt >= PROBE_SPACING.toNanos())) {
			Probe started = new Probe(new CompletableFuture<>(), now);
			if (this.probe.compareAndSet(current, started)) {
				Thread thread = new Thread(() -> runProbe(started, wait), "lakebase-health-probe");
				thread.setDaemon(true);
				thread.start();
				current = started;
			}
			else {
				current = this.probe.get();
			}
		}
		if (current != null) {
			try {
				current.future.get(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// The outcome, if any, is recorded by the login itself.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this.logins.lastLogin().orElse(null);
	}

	private void runProbe(Probe probe, Duration timeout) {
		try {
			this.logins.probe(timeout.isZero() ? LakebaseResolver.DEFAULT_TIMEOUT : timeout);
			probe.future.complete(null);
		}
		catch (Exception ex) {
			// Recorded by the logins themselves.
			probe.future.complete(null);
		}
	}

	@Override
	public String toString() {
		return "LakebaseHealthCheck[" + this.logins.resolver().target() + "]";
	}

	private record Probe(CompletableFuture<@Nullable Void> future, long startedAt) {
	}

}
