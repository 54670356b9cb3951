package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Whether read-only work tries the read replica now. Healthy, every reader tries it. After a
 * failure, readers skip it for the retry window; once the window has passed, one reader at a time
 * (the probe) tries it while the others keep going to the primary, so that a replica that stays
 * down costs one wait per window, not one per reader. The replica is healthy again as soon as a
 * reader gets a connection from it.
 */
final class ReplicaGate {

	/** What a reader does. */
	enum Pass {

		/** The replica is healthy: try it. */
		TRY,

		/** The replica failed and this reader is the one probe: try it, then report. */
		PROBE,

		/** The replica failed recently, or another reader probes it: go to the primary. */
		SKIP

	}

	private final long windowNanos;

	private final LongSupplier nanoClock;

	private final AtomicBoolean probing = new AtomicBoolean();

	// Written under this, read without it: a reader sees a failure a moment late at worst.
	private volatile boolean failing;

	private volatile long failedAtNanos;

	private volatile @Nullable Instant failedAt;

	private volatile @Nullable String lastError;

	ReplicaGate(Duration window, LongSupplier nanoClock) {
		this.windowNanos = window.toNanos();
		this.nanoClock = nanoClock;
	}

	Pass enter() {
		if (!this.failing) {
			return Pass.TRY;
		}
		if (this.nanoClock.getAsLong() - this.failedAtNanos < this.windowNanos) {
			return Pass.SKIP;
		}
		return this.probing.compareAndSet(false, true) ? Pass.PROBE : Pass.SKIP;
	}

	/**
	 * Records that the replica gave a connection.
	 * @return whether it was failing until now
	 */
	boolean served() {
		boolean wasFailing;
		synchronized (this) {
			wasFailing = this.failing;
			this.failing = false;
			this.failedAt = null;
		}
		this.probing.set(false);
		return wasFailing;
	}

	/**
	 * Records that the replica could not give a connection, or gave a broken one: the window
	 * starts again.
	 * @param error the failure's message
	 * @return whether it was healthy until now
	 */
	boolean failed(@Nullable String error) {
		boolean wasHealthy;
		synchronized (this) {
			wasHealthy = !this.failing;
			this.failedAtNanos = this.nanoClock.getAsLong();
			this.failedAt = Instant.now();
			this.lastError = error;
			this.failing = true;
		}
		this.probing.set(false);
		return wasHealthy;
	}

	/**
	 * Ends a probe that neither got a connection nor failed on the replica (an error of the
	 * caller's own), so that another reader may probe.
	 */
	void abandon() {
		this.probing.set(false);
	}

	boolean failing() {
		return this.failing;
	}

	@Nullable Instant failedAt() {
		return this.failedAt;
	}

	@Nullable String lastError() {
		return this.lastError;
	}

}
