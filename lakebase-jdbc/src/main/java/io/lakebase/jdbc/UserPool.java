package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * One user's small pool: the newest token the user presented, their credential cache (minted with
 * that token) and a Hikari pool logging in as their role. Requests lease it while they hold a
 * connection; once retired (idle, or the least recently used beyond the cap), it closes when the
 * last lease ends, so that eviction never pulls a connection from under a request.
 */
final class UserPool {

	private final String userName;

	private final AtomicReference<String> token;

	private final LakebaseCredentialCache credentials;

	private final LakebaseLoginDataSource logins;

	private final HikariDataSource pool;

	private final Runnable closer;

	// Guarded by this: requests between taking a lease and holding their connection (or failing).
	private int borrowing;

	// Guarded by this: connections lent and not yet closed through the connection lent.
	private int leases;

	// Guarded by this.
	private boolean retired;

	// Guarded by this.
	private boolean closed;

	private volatile boolean started;

	// Guarded by this: the first borrow's start of the pool, while it runs.
	private @Nullable CompletableFuture<Void> starting;

	private volatile @Nullable Refusal refusal;

	private volatile long lastUsed;

	UserPool(String userName, AtomicReference<String> token, LakebaseCredentialCache credentials,
			LakebaseLoginDataSource logins, HikariDataSource pool, Runnable closer, long now) {
		this.userName = userName;
		this.token = token;
		this.credentials = credentials;
		this.logins = logins;
		this.pool = pool;
		this.closer = closer;
		this.lastUsed = now;
	}

	String userName() {
		return this.userName;
	}

	LakebaseLoginDataSource logins() {
		return this.logins;
	}

	HikariDataSource pool() {
		return this.pool;
	}

	/**
	 * Takes a lease for a borrow, unless the pool is retired.
	 * @param now the monotonic time
	 * @return whether the lease was taken
	 */
	synchronized boolean lease(long now) {
		if (this.retired) {
			return false;
		}
		this.borrowing++;
		this.leases++;
		this.lastUsed = now;
		return true;
	}

	/**
	 * Ends the borrow of a lease: the connection is held now, or the borrow failed (and the lease
	 * ends with it).
	 */
	void borrowed(boolean held, long now) {
		synchronized (this) {
			this.borrowing--;
			if (!held) {
				this.leases--;
			}
			this.lastUsed = now;
		}
		if (!held) {
			closeIfRetiredAndUnused();
		}
	}

	/**
	 * Ends a lease when its connection is closed; the last one of a retired pool closes it.
	 * @param now the monotonic time
	 */
	void release(long now) {
		synchronized (this) {
			this.leases = Math.max(0, this.leases - 1);
			this.lastUsed = now;
		}
		closeIfRetiredAndUnused();
	}

	/**
	 * Retires the pool: no new lease, closed now or once it is no longer in use.
	 */
	void retire() {
		synchronized (this) {
			this.retired = true;
		}
		closeIfRetiredAndUnused();
	}

	/**
	 * Closes a retired pool that is no longer in use; returns whether it is closed.
	 */
	boolean closeIfRetiredAndUnused() {
		synchronized (this) {
			if (this.closed) {
				return true;
			}
			if (!this.retired || isInUse()) {
				return false;
			}
			this.closed = true;
		}
		this.closer.run();
		return true;
	}

	/**
	 * Whether a request is borrowing or holds a connection of the pool. A lease whose connection
	 * went back to the pool another way (closed through {@code Statement.getConnection()}, say) does
	 * not count: Hikari's own count of connections in use says none is.
	 */
	synchronized boolean isInUse() {
		if (this.borrowing > 0) {
			return true;
		}
		if (this.leases == 0) {
			return false;
		}
		HikariPoolMXBean started = this.pool.getHikariPoolMXBean();
		if (started == null || started.getActiveConnections() == 0) {
			this.leases = 0;
			return false;
		}
		return true;
	}

	/**
	 * Whether the pool has been neither in use nor used for the given time.
	 */
	synchronized boolean isIdle(long now, Duration idleTimeout) {
		return !isInUse() && now - this.lastUsed >= idleTimeout.toNanos();
	}

	/**
	 * Keeps the token that lasts longer: the newest a user presents, unless an older tab presents
	 * one that expires sooner.
	 */
	void present(String presented) {
		this.token.accumulateAndGet(presented, (current, candidate) -> {
			if (current.equals(candidate)) {
				return current;
			}
			Instant currentExpiry = UserTokens.statedExpiry(current);
			Instant candidateExpiry = UserTokens.statedExpiry(candidate);
			return (currentExpiry != null && candidateExpiry != null && candidateExpiry.isBefore(currentExpiry))
					? current : candidate;
		});
	}

	/**
	 * Borrows a connection. The first borrow starts the pool with one login that fails at once
	 * when refused (rather than after the connection timeout), and keeps that connection; requests
	 * that come meanwhile wait for it (at most the given time) and share its failure, so that a
	 * refused user costs one login, not one per waiting request. After it the pool keeps no idle
	 * minimum.
	 */
	Connection borrow(Duration waitForStart) throws SQLException {
		if (this.started) {
			return this.pool.getConnection();
		}
		CompletableFuture<Void> start;
		boolean starter;
		synchronized (this) {
			starter = this.starting == null;
			if (starter) {
				this.starting = new CompletableFuture<>();
			}
			start = this.starting;
		}
		if (starter) {
			Connection connection;
			try {
				connection = this.pool.getConnection();
			}
			catch (SQLException | RuntimeException | Error ex) {
				synchronized (this) {
					// The next request starts it again (after the refusal memory, for a refused user).
					this.starting = null;
				}
				start.completeExceptionally(ex);
				throw ex;
			}
			this.pool.getHikariConfigMXBean().setMinimumIdle(0);
			this.started = true;
			start.complete(null);
			return connection;
		}
		try {
			start.get(waitForStart.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof SQLException sql) {
				throw new SQLException(sql.getMessage(), sql.getSQLState(), sql);
			}
			throw new SQLException("The pool of the user could not start: " + cause.getMessage(), "08001", cause);
		}
		catch (TimeoutException ex) {
			throw new SQLTransientConnectionException("The pool of the user did not start within " + waitForStart,
					"08001", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while the pool of the user started", "08001", ex);
		}
		return this.pool.getConnection();
	}

	/**
	 * Remembers that Lakebase refused the user's login, so that their next requests within the
	 * given time get the same answer without another login (and another error in the log).
	 */
	void refused(LakebaseUserAccessException failure, long now) {
		this.refusal = new Refusal(failure, now);
	}

	/**
	 * Returns the refusal of the user's login within the given time, if any.
	 */
	@Nullable LakebaseUserAccessException recentRefusal(long now, Duration memory) {
		Refusal latest = this.refusal;
		return (latest != null && now - latest.at() < memory.toNanos()) ? latest.failure() : null;
	}

	/**
	 * Closes the pool, then stops its credential refresh.
	 */
	void close() {
		try {
			this.pool.close();
		}
		finally {
			this.credentials.close();
			this.logins.resolver().close();
		}
	}

	private record Refusal(LakebaseUserAccessException failure, long at) {
	}

	@Override
	public String toString() {
		return "UserPool[" + this.pool.getPoolName() + "]";
	}

	static @Nullable UserPool leastRecentlyUsed(Iterable<UserPool> pools, @Nullable UserPool except) {
		UserPool idle = null;
		UserPool any = null;
		for (UserPool candidate : pools) {
			if (candidate == except) {
				continue;
			}
			if (any == null || candidate.lastUsed - any.lastUsed < 0) {
				any = candidate;
			}
			if (!candidate.isInUse() && (idle == null || candidate.lastUsed - idle.lastUsed < 0)) {
				idle = candidate;
			}
		}
		return (idle != null) ? idle : any;
	}

}
