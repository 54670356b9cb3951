package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The data source of read-only work: connections from the read replica's pool or, when that pool
 * cannot give one and fallback is on, from the primary's pool, marked read-only so that a write
 * still fails. After a replica failure, reads go straight to the primary until the replica's
 * connector logs in again (its pool keeps trying in the background) or {@link #RETRY_AFTER}
 * has passed, so that each read does not wait for the replica's connection timeout again.
 * Put a transaction-aware router above it (Spring's {@code LazyConnectionDataSourceProxy}, say).
 *
 * @since 0.1.0
 */
public final class ReadReplicaDataSource implements DataSource {

	/** How long reads skip the replica after it failed, unless it logs in again sooner. */
	public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(ReadReplicaDataSource.class);

	private final DataSource replica;

	private final LakebaseConnector replicaConnector;

	private final DataSource primary;

	private final boolean fallback;

	private final AtomicLong fallbacks = new AtomicLong();

	private final Object lock = new Object();

	private volatile @Nullable Instant failedAt;

	private long failedAtNanos;

	private volatile @Nullable String lastError;

	private volatile @Nullable Instant lastFallback;

	/**
	 * Creates the data source of read-only work.
	 * @param replica the pool on the read-only host
	 * @param replicaConnector the connector that pool logs in through, whose logins tell when the
	 * replica is back
	 * @param primary the pool on the primary
	 * @param fallback whether reads go to the primary when the replica cannot give a connection
	 */
	public ReadReplicaDataSource(DataSource replica, LakebaseConnector replicaConnector, DataSource primary,
			boolean fallback) {
		this.replica = Objects.requireNonNull(replica, "replica");
		this.replicaConnector = Objects.requireNonNull(replicaConnector, "replicaConnector");
		this.primary = Objects.requireNonNull(primary, "primary");
		this.fallback = fallback;
	}

	@Override
	public Connection getConnection() throws SQLException {
		if (this.fallback && isSkippingReplica()) {
			return fallBack(null);
		}
		Connection connection;
		try {
			connection = this.replica.getConnection();
		}
		catch (SQLException ex) {
			replicaFailed(ex);
			if (!this.fallback) {
				throw ex;
			}
			return fallBack(ex);
		}
		replicaServed();
		return connection;
	}

	/**
	 * Returns a connection from {@link #getConnection()}: the pools' own credentials are used.
	 * @param username ignored
	 * @param password ignored
	 */
	@Override
	public Connection getConnection(@Nullable String username, @Nullable String password) throws SQLException {
		return getConnection();
	}

	/**
	 * Returns the state of the routing: whether reads fall back now, how often they did, and the
	 * replica's latest failure.
	 * @return the status
	 */
	public Status status() {
		return new Status(this.fallback, this.fallback && isSkippingReplica(), this.fallbacks.get(), this.lastFallback,
				this.failedAt, this.lastError);
	}

	/**
	 * Returns the connector of the read replica.
	 * @return the connector
	 */
	public LakebaseConnector replicaConnector() {
		return this.replicaConnector;
	}

	private boolean isSkippingReplica() {
		Instant failed = this.failedAt;
		if (failed == null) {
			return false;
		}
		LakebaseLoginOutcome login = this.replicaConnector.lastLogin().orElse(null);
		if (login != null && login.succeeded() && login.at().isAfter(failed)) {
			return false;
		}
		synchronized (this.lock) {
			return System.nanoTime() - this.failedAtNanos < RETRY_AFTER.toNanos();
		}
	}

	private void replicaFailed(SQLException ex) {
		synchronized (this.lock) {
			if (this.failedAt == null) {
				logger.warn("The Lakebase read replica ({}) could not give a connection: {}; {}",
						this.replicaConnector.settings().target(), ex.getMessage(),
						this.fallback ? "read-only work goes to the primary until it is back" : "read-only work fails");
			}
			this.failedAt = Instant.now();
			this.failedAtNanos = System.nanoTime();
			this.lastError = ex.getMessage();
		}
	}

	private void replicaServed() {
		if (this.failedAt != null) {
			synchronized (this.lock) {
				if (this.failedAt != null) {
					logger.info("The Lakebase read replica ({}) serves read-only work again",
							this.replicaConnector.settings().target());
					this.failedAt = null;
				}
			}
		}
	}

	private Connection fallBack(@Nullable SQLException replicaFailure) throws SQLException {
		Connection connection;
		try {
			connection = this.primary.getConnection();
		}
		catch (SQLException ex) {
			if (replicaFailure != null) {
				ex.addSuppressed(replicaFailure);
			}
			throw ex;
		}
		try {
			// The primary accepts writes: keep read-only work read-only (the pool resets the flag).
			connection.setReadOnly(true);
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		this.fallbacks.incrementAndGet();
		this.lastFallback = Instant.now();
		return connection;
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.replica.getLoginTimeout();
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.replica.setLoginTimeout(seconds);
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(@Nullable PrintWriter out) {
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		return this.replica.unwrap(type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		return type.isInstance(this) || this.replica.isWrapperFor(type);
	}

	@Override
	public String toString() {
		return "ReadReplicaDataSource[" + this.replicaConnector.settings().target() + ", fallback=" + this.fallback
				+ "]";
	}

	/**
	 * The state of read-only routing. Never holds a secret.
	 *
	 * @param fallbackEnabled whether reads fall back to the primary
	 * @param fallingBack whether reads go to the primary now
	 * @param fallbacks how many read-only connections the primary gave
	 * @param lastFallback when the primary last gave one, or {@code null}
	 * @param replicaFailedAt when the replica last failed to give a connection, or {@code null}
	 * since it served again
	 * @param lastError the replica's latest failure, or {@code null}
	 */
	public record Status(boolean fallbackEnabled, boolean fallingBack, long fallbacks, @Nullable Instant lastFallback,
			@Nullable Instant replicaFailedAt, @Nullable String lastError) {
	}

}
