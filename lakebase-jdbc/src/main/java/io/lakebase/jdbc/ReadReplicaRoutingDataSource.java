package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A {@code DataSource} that sends read-only work to a read replica's pool and everything else to
 * the primary's, decided per transaction. {@link #getConnection()} gives a logical connection that
 * records the state the caller sets ({@code setReadOnly}, {@code setAutoCommit}, the isolation
 * level, ...) and borrows a physical connection only at the first statement: from the replica when
 * the work is read-only, else from the primary. Between transactions (after a commit or rollback,
 * or between auto-commit statements), when the read-only flag no longer fits the pool the physical
 * connection came from, it goes back to its pool and the next statement borrows from the right
 * one, so that a caller holding one connection across transactions (JPA's open-in-view, say)
 * never writes on the replica.
 * <p>
 * <b>Reading one's own writes.</b> Replicas lag. Once a logical connection has run work on the
 * primary outside a read-only transaction, its later read-only work stays on the primary, and so
 * does the read-only work of the thread's open {@link #openScope() scope} (a web request, say).
 * <p>
 * <b>Fallback.</b> When the replica cannot give a connection, read-only work goes to the primary on
 * a connection marked read-only; give the primary's connections PgJDBC's
 * {@code readOnlyMode=always} so that this refuses auto-commit writes too. After a failure, reads
 * skip the replica for the retry window, then one reader at a time tries it again. A read-only
 * transaction whose first statement fails on the replica because the connection broke (SQLSTATE
 * class 08, or 57P01 to 57P03), before anything ran, is replayed once on the primary.
 * <p>
 * No connection is opened to learn defaults: auto-commit and the isolation level are those given
 * to the builder (the pools' settings). {@code unwrap} reaches the primary's pool.
 *
 * @since 0.1.0
 */
public final class ReadReplicaRoutingDataSource implements DataSource {

	/** How long reads skip the replica after it failed, by default. */
	public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(ReadReplicaRoutingDataSource.class);

	private final DataSource primary;

	private final DataSource replica;

	private final boolean fallback;

	private final ReplicaGate gate;

	private final ConnectionDefaults defaults;

	private final String name;

	private final ThreadLocal<Scope> scope = new ThreadLocal<>();

	private final AtomicLong fallbacks = new AtomicLong();

	private final AtomicLong retries = new AtomicLong();

	private volatile @Nullable Instant lastFallback;

	private ReadReplicaRoutingDataSource(Builder builder) {
		this.primary = builder.primary;
		this.replica = builder.replica;
		this.fallback = builder.fallback;
		this.gate = new ReplicaGate(builder.retryAfter, builder.nanoClock);
		this.defaults = new ConnectionDefaults(builder.autoCommit, builder.transactionIsolation);
		this.name = builder.name;
	}

	/**
	 * Starts a builder.
	 * @param primary the primary's pool
	 * @param replica the read replica's pool
	 * @return the builder
	 */
	public static Builder builder(DataSource primary, DataSource replica) {
		return new Builder(primary, replica);
	}

	/**
	 * Returns a logical connection, which borrows from a pool only at its first statement.
	 */
	@Override
	public Connection getConnection() {
		return RoutingConnection.open(this, this.defaults);
	}

	/**
	 * Returns a connection from {@link #getConnection()}: the pools' own credentials are used.
	 * @param username ignored
	 * @param password ignored
	 */
	@Override
	public Connection getConnection(@Nullable String username, @Nullable String password) {
		return getConnection();
	}

	/**
	 * Opens a scope on the current thread (a web request, a job): once work in it has run on the
	 * primary outside a read-only transaction, its later read-only work goes to the primary too,
	 * so that it reads what it wrote. Scopes do not nest: inside an open one, this returns a
	 * scope whose {@code close()} does nothing.
	 * @return the scope, to close when the unit of work ends
	 */
	public Scope openScope() {
		Scope open = this.scope.get();
		if (open != null) {
			return new Scope(this, open.state, false);
		}
		Scope opened = new Scope(this, new ScopeState(), true);
		this.scope.set(opened);
		return opened;
	}

	/**
	 * Returns the state of the routing: whether reads fall back now, how often they did, and the
	 * replica's latest failure.
	 * @return the status
	 */
	public Status status() {
		return new Status(this.fallback, this.fallback && this.gate.failing(), this.fallbacks.get(),
				this.lastFallback, this.gate.failedAt(), this.gate.lastError(), this.retries.get());
	}

	Connection borrowPrimary() throws SQLException {
		return this.primary.getConnection();
	}

	/**
	 * Borrows a connection for read-only work: the replica's, or the primary's when the replica
	 * cannot give one and fallback is on.
	 */
	Borrowed borrowReadOnly() throws SQLException {
		ReplicaGate.Pass pass = this.fallback ? this.gate.enter() : ReplicaGate.Pass.TRY;
		if (pass == ReplicaGate.Pass.SKIP) {
			return new Borrowed(fallBack(null), false);
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
			return new Borrowed(fallBack(ex), false);
		}
		catch (RuntimeException | Error ex) {
			this.gate.abandon();
			throw ex;
		}
		if (this.gate.served()) {
			logger.info("The Lakebase read replica ({}) serves read-only work again", this.name);
		}
		return new Borrowed(connection, true);
	}

	/**
	 * Gives the primary's connection for a read-only statement that the replica's broke before it
	 * ran, when fallback is on.
	 * @return the connection, or {@code null} without fallback
	 */
	@Nullable Connection replayOnPrimary(SQLException failure) throws SQLException {
		replicaFailed(failure);
		if (!this.fallback) {
			return null;
		}
		Connection connection = fallBack(failure);
		this.retries.incrementAndGet();
		return connection;
	}

	/** A replica connection broke under a statement: reads skip the replica for a while. */
	void replicaBroke(SQLException failure) {
		replicaFailed(failure);
	}

	boolean scopeWrote() {
		Scope open = this.scope.get();
		return open != null && open.state.wrote;
	}

	void wrote() {
		Scope open = this.scope.get();
		if (open != null) {
			open.state.wrote = true;
		}
	}

	private void replicaFailed(SQLException ex) {
		if (this.gate.failed(ex.getMessage())) {
			logger.warn("The Lakebase read replica ({}) could not serve read-only work: {}; {}", this.name,
					ex.getMessage(),
					this.fallback ? "read-only work goes to the primary until it is back" : "read-only work fails");
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
		this.fallbacks.incrementAndGet();
		this.lastFallback = Instant.now();
		return connection;
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.primary.getLoginTimeout();
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.primary.setLoginTimeout(seconds);
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

	/**
	 * Returns the read replica's pool, for health and meters.
	 * @return the replica's data source
	 */
	public DataSource replica() {
		return this.replica;
	}

	/**
	 * Returns this, or what the primary's pool unwraps to ({@code HikariDataSource}, say).
	 */
	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		if (type.isInstance(this.primary)) {
			return type.cast(this.primary);
		}
		return this.primary.unwrap(type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		return type.isInstance(this) || type.isInstance(this.primary) || this.primary.isWrapperFor(type);
	}

	@Override
	public String toString() {
		return "ReadReplicaRoutingDataSource[" + this.name + ", fallback=" + this.fallback + "]";
	}

	/** A physical connection for read-only work, and whether the replica gave it. */
	record Borrowed(Connection connection, boolean replica) {
	}

	/** What a logical connection starts with, from the pools' settings. */
	record ConnectionDefaults(boolean autoCommit, @Nullable Integer transactionIsolation) {
	}

	private static final class ScopeState {

		private volatile boolean wrote;

	}

	/**
	 * A unit of work on one thread within which read-only work reads what earlier work wrote
	 * ({@link ReadReplicaRoutingDataSource#openScope()}).
	 */
	public static final class Scope implements AutoCloseable {

		private final ReadReplicaRoutingDataSource owner;

		private final ScopeState state;

		private final boolean outermost;

		private Scope(ReadReplicaRoutingDataSource owner, ScopeState state, boolean outermost) {
			this.owner = owner;
			this.state = state;
			this.outermost = outermost;
		}

		/**
		 * Returns whether work in this scope ran on the primary outside a read-only transaction,
		 * so that its read-only work goes to the primary.
		 * @return whether it wrote
		 */
		public boolean wrote() {
			return this.state.wrote;
		}

		/**
		 * Ends the scope on this thread (when it is the outermost one).
		 */
		@Override
		public void close() {
			if (this.outermost && this.owner.scope.get() == this) {
				this.owner.scope.remove();
			}
		}

	}

	/**
	 * The state of read-only routing. Never holds a secret.
	 *
	 * @param fallbackEnabled whether reads fall back to the primary
	 * @param fallingBack whether the replica is failing, so that reads go to the primary (but for
	 * one probe per retry window)
	 * @param fallbacks how many read-only connections the primary gave because the replica could not
	 * @param lastFallback when the primary last gave one, or {@code null}
	 * @param replicaFailedAt when the replica last failed, or {@code null} since it served again
	 * @param lastError the replica's latest failure, or {@code null}
	 * @param retries how many read-only statements that failed on a broken replica connection,
	 * before anything ran, the primary served instead (counted in {@code fallbacks} too)
	 */
	public record Status(boolean fallbackEnabled, boolean fallingBack, long fallbacks, @Nullable Instant lastFallback,
			@Nullable Instant replicaFailedAt, @Nullable String lastError, long retries) {
	}

	/**
	 * Builds a {@link ReadReplicaRoutingDataSource}.
	 */
	public static final class Builder {

		private final DataSource primary;

		private final DataSource replica;

		private boolean fallback = true;

		private Duration retryAfter = DEFAULT_RETRY_AFTER;

		private boolean autoCommit = true;

		private @Nullable Integer transactionIsolation;

		private String name = "read replica";

		private LongSupplier nanoClock = System::nanoTime;

		private Builder(DataSource primary, DataSource replica) {
			this.primary = Objects.requireNonNull(primary, "primary");
			this.replica = Objects.requireNonNull(replica, "replica");
		}

		/**
		 * Sets whether read-only work goes to the primary when the replica cannot give a
		 * connection (default true).
		 * @param fallback whether to fall back
		 * @return this builder
		 */
		public Builder fallback(boolean fallback) {
			this.fallback = fallback;
			return this;
		}

		/**
		 * Sets how long reads skip the replica after it failed before one read tries it again
		 * (default {@link #DEFAULT_RETRY_AFTER}).
		 * @param retryAfter the window, positive
		 * @return this builder
		 */
		public Builder retryAfter(Duration retryAfter) {
			if (retryAfter.isNegative() || retryAfter.isZero()) {
				throw new IllegalArgumentException("retryAfter must be positive, not " + retryAfter);
			}
			this.retryAfter = retryAfter;
			return this;
		}

		/**
		 * Sets the auto-commit mode the pools' connections start in (default true).
		 * @param autoCommit the pools' auto-commit
		 * @return this builder
		 */
		public Builder defaultAutoCommit(boolean autoCommit) {
			this.autoCommit = autoCommit;
			return this;
		}

		/**
		 * Sets the isolation level the pools' connections start with, when the pools set one;
		 * unset, {@code getTransactionIsolation()} asks a physical connection.
		 * @param transactionIsolation a {@code Connection.TRANSACTION_*} level, or {@code null}
		 * @return this builder
		 */
		public Builder defaultTransactionIsolation(@Nullable Integer transactionIsolation) {
			this.transactionIsolation = transactionIsolation;
			return this;
		}

		/**
		 * Sets the name of the replica in log messages (its endpoint, say).
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = Objects.requireNonNull(name, "name");
			return this;
		}

		// Simulated time, for tests.
		Builder nanoClock(LongSupplier nanoClock) {
			this.nanoClock = nanoClock;
			return this;
		}

		/**
		 * Builds the data source.
		 * @return the data source
		 */
		public ReadReplicaRoutingDataSource build() {
			return new ReadReplicaRoutingDataSource(this);
		}

	}

}
