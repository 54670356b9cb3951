package io.lakebase.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The logical connection of a {@link ReadReplicaRoutingDataSource}: it records the state its
 * caller sets and borrows a physical connection at the first use that needs one, from the
 * replica's side for read-only work that has not written, else from the primary. The physical
 * connection is brought to the recorded state before each use, in an order that spares PgJDBC's
 * session commands; between transactions, a physical connection that no longer fits goes back to
 * its pool. Used by one thread at a time, as any JDBC connection.
 */
final class RoutingConnection implements InvocationHandler {

	private final ReadReplicaRoutingDataSource routing;

	private final Connection proxy;

	private final ReadReplicaRoutingDataSource.ConnectionDefaults defaults;

	// What the caller set; applied to the physical connection before each use.
	private boolean autoCommit;

	private boolean readOnly;

	private @Nullable Integer isolation;

	private @Nullable Integer holdability;

	private @Nullable String schema;

	private boolean schemaSet;

	private @Nullable String catalog;

	private boolean catalogSet;

	private @Nullable Physical physical;

	// Work ran on the primary outside a read-only transaction: later reads stay on the primary.
	private boolean wrote;

	private boolean closed;

	private RoutingConnection(ReadReplicaRoutingDataSource routing,
			ReadReplicaRoutingDataSource.ConnectionDefaults defaults) {
		this.routing = routing;
		this.defaults = defaults;
		this.autoCommit = defaults.autoCommit();
		this.isolation = defaults.transactionIsolation();
		this.proxy = (Connection) Proxy.newProxyInstance(RoutingConnection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, this);
	}

	static Connection open(ReadReplicaRoutingDataSource routing,
			ReadReplicaRoutingDataSource.ConnectionDefaults defaults) {
		return new RoutingConnection(routing, defaults).proxy;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		String name = method.getName();
		switch (name) {
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "toString":
				return "RoutingConnection[" + describe(this.physical) + "]";
			case "close":
				close();
				return null;
			case "isClosed":
				return this.closed;
			case "abort":
				abort((Executor) args[0]);
				return null;
			case "isValid":
				return !this.closed && (this.physical == null || this.physical.connection.isValid((Integer) args[0]));
			default:
		}
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		switch (name) {
			case "setAutoCommit":
				setAutoCommit((Boolean) args[0]);
				return null;
			case "getAutoCommit":
				return this.autoCommit;
			case "setReadOnly":
				setReadOnly((Boolean) args[0]);
				return null;
			case "isReadOnly":
				return this.readOnly;
			case "setTransactionIsolation":
				forwardInTransaction(method, args);
				this.isolation = (Integer) args[0];
				return null;
			case "getTransactionIsolation":
				return (this.isolation != null) ? this.isolation : use().connection.getTransactionIsolation();
			case "setHoldability":
				forwardInTransaction(method, args);
				this.holdability = (Integer) args[0];
				return null;
			case "getHoldability":
				return (this.holdability != null) ? this.holdability : use().connection.getHoldability();
			case "setSchema":
				forwardInTransaction(method, args);
				this.schema = (String) args[0];
				this.schemaSet = true;
				return null;
			case "getSchema":
				return this.schemaSet ? this.schema : use().connection.getSchema();
			case "setCatalog":
				forwardInTransaction(method, args);
				this.catalog = (String) args[0];
				this.catalogSet = true;
				return null;
			case "getCatalog":
				return this.catalogSet ? this.catalog : use().connection.getCatalog();
			case "commit":
				endTransaction(true);
				return null;
			case "rollback":
				if (args == null || args.length == 0) {
					endTransaction(false);
					return null;
				}
				break;
			case "getWarnings":
				return (this.physical != null) ? this.physical.connection.getWarnings() : null;
			case "clearWarnings":
				if (this.physical != null) {
					this.physical.connection.clearWarnings();
				}
				return null;
			case "unwrap":
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return proxy;
				}
				break;
			case "isWrapperFor":
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return true;
				}
				break;
			case "createStatement":
			case "prepareStatement":
			case "prepareCall":
				Physical target = use();
				Statement statement = (Statement) invoke(method, target.connection, args);
				return RoutedStatement.wrap(this, target, method, args, statement);
			default:
		}
		Physical target = use();
		if (!this.autoCommit) {
			// Driver work the statements do not see (metadata queries, savepoints, an unwrapped
			// PGConnection's COPY): the transaction counts as begun, so that the connection stays.
			target.inTransaction = true;
		}
		return invoke(method, target.connection, args);
	}

	Connection proxy() {
		return this.proxy;
	}

	/**
	 * Called before a statement of this connection runs: brings its physical connection to the
	 * recorded state and notes the work.
	 * @return whether the statement is the first of its transaction (nothing ran before it that a
	 * retry elsewhere would lose)
	 */
	boolean beforeExecute(Physical target) throws SQLException {
		if (target == this.physical) {
			sync(target);
		}
		boolean first = !target.inTransaction;
		if (!this.autoCommit) {
			target.inTransaction = true;
		}
		if (!target.replica && !this.readOnly) {
			this.wrote = true;
			this.routing.wrote();
		}
		return first;
	}

	/**
	 * Replaces a replica connection that broke before the first statement of a read-only
	 * transaction ran with a read-only connection of the primary, when fallback is on.
	 * @return the replacement, or {@code null} when there is none
	 */
	@Nullable Physical replaceBroken(Physical broken, SQLException failure) throws SQLException {
		if (broken != this.physical) {
			return null;
		}
		this.physical = null;
		discard(broken);
		Connection connection = this.routing.replayOnPrimary(failure);
		if (connection == null) {
			return null;
		}
		Physical replacement = new Physical(connection, false, this.defaults);
		syncOrClose(replacement);
		this.physical = replacement;
		return replacement;
	}

	/** A replica connection failed to reach its server: other reads skip the replica a while. */
	void replicaBroke(SQLException failure) {
		this.routing.replicaBroke(failure);
	}

	private void setAutoCommit(boolean on) throws SQLException {
		Physical current = this.physical;
		if (on && !this.autoCommit && current != null && current.inTransaction) {
			// Turning auto-commit on commits the transaction in progress: that is a use.
			current.connection.setAutoCommit(true);
			current.inTransaction = false;
		}
		this.autoCommit = on;
	}

	private void setReadOnly(boolean on) throws SQLException {
		Physical current = this.physical;
		if (current != null && current.inTransaction) {
			// Within a transaction the driver decides (PgJDBC refuses): the connection stays.
			current.connection.setReadOnly(on);
		}
		this.readOnly = on;
	}

	private void forwardInTransaction(Method method, @Nullable Object[] args) throws Throwable {
		Physical current = this.physical;
		if (current != null && current.inTransaction) {
			invoke(method, current.connection, args);
		}
	}

	private void endTransaction(boolean commit) throws SQLException {
		Physical current = this.physical;
		if (current == null || current.connection.getAutoCommit()) {
			// Nothing borrowed, or nothing to end: the connection commits each statement itself.
			return;
		}
		current.inTransaction = false;
		try {
			if (commit) {
				current.connection.commit();
			}
			else {
				current.connection.rollback();
			}
		}
		catch (SQLException ex) {
			if (!current.replica || !RoutedStatement.isConnectionFailure(ex)) {
				throw ex;
			}
			// A read-only transaction on the replica has nothing to make durable: what it read
			// stands. The connection is gone; the next statement borrows another.
			this.physical = null;
			discard(current);
			this.routing.replicaBroke(ex);
		}
	}

	/**
	 * Returns the physical connection that fits the recorded state, borrowing one if needed, and
	 * brings it to that state.
	 */
	private Physical use() throws SQLException {
		boolean replica = this.readOnly && !this.wrote && !this.routing.scopeWrote();
		Physical current = this.physical;
		if (current != null && current.replica != replica && !current.inTransaction) {
			// A boundary: the transaction to come belongs to the other pool.
			this.physical = null;
			current.connection.close();
			current = null;
		}
		if (current == null) {
			current = borrow(replica);
			this.physical = current;
		}
		else {
			sync(current);
		}
		return current;
	}

	private Physical borrow(boolean replica) throws SQLException {
		if (!replica) {
			Physical primary = new Physical(this.routing.borrowPrimary(), false, this.defaults);
			syncOrClose(primary);
			return primary;
		}
		ReadReplicaRoutingDataSource.Borrowed borrowed = this.routing.borrowReadOnly();
		Physical readOnly = new Physical(borrowed.connection(), borrowed.replica(), this.defaults);
		try {
			sync(readOnly);
			return readOnly;
		}
		catch (SQLException ex) {
			discard(readOnly);
			if (!readOnly.replica || !RoutedStatement.isConnectionFailure(ex)) {
				throw ex;
			}
			// Broken before any statement ran: the primary serves, when fallback is on.
			Connection connection = this.routing.replayOnPrimary(ex);
			if (connection == null) {
				throw ex;
			}
			Physical fallback = new Physical(connection, false, this.defaults);
			syncOrClose(fallback);
			return fallback;
		}
	}

	private void syncOrClose(Physical target) throws SQLException {
		try {
			sync(target);
		}
		catch (SQLException | RuntimeException ex) {
			discard(target);
			throw ex;
		}
	}

	/**
	 * Applies the recorded state. Auto-commit and read-only go in the order in which PgJDBC with
	 * {@code readOnlyMode=always} sends no session command but the one a read-only auto-commit
	 * connection needs.
	 */
	private void sync(Physical target) throws SQLException {
		Connection connection = target.connection;
		if (connection.getAutoCommit() != this.autoCommit) {
			if (this.autoCommit) {
				syncReadOnly(connection);
				connection.setAutoCommit(true);
			}
			else {
				connection.setAutoCommit(false);
				syncReadOnly(connection);
			}
		}
		else {
			syncReadOnly(connection);
		}
		if (this.isolation != null && !this.isolation.equals(target.isolation)) {
			connection.setTransactionIsolation(this.isolation);
			target.isolation = this.isolation;
		}
		if (this.holdability != null && !this.holdability.equals(target.holdability)) {
			connection.setHoldability(this.holdability);
			target.holdability = this.holdability;
		}
		if (this.schemaSet && !(target.schemaSet && Objects.equals(this.schema, target.schema))) {
			connection.setSchema(this.schema);
			target.schema = this.schema;
			target.schemaSet = true;
		}
		if (this.catalogSet && !(target.catalogSet && Objects.equals(this.catalog, target.catalog))) {
			connection.setCatalog(this.catalog);
			target.catalog = this.catalog;
			target.catalogSet = true;
		}
	}

	private void syncReadOnly(Connection connection) throws SQLException {
		if (connection.isReadOnly() != this.readOnly) {
			connection.setReadOnly(this.readOnly);
		}
	}

	private void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Physical current = this.physical;
		this.physical = null;
		if (current != null) {
			// The pool rolls back what was not committed and resets the connection's state.
			current.connection.close();
		}
	}

	private void abort(Executor executor) throws SQLException {
		this.closed = true;
		Physical current = this.physical;
		this.physical = null;
		if (current != null) {
			current.connection.abort(executor);
			// Given back, so that the pool forgets it.
			try {
				current.connection.close();
			}
			catch (SQLException ex) {
				// Aborted: the pool evicts it.
			}
		}
	}

	// Closed at the socket first, so that no pool hands it out again, then given back.
	private static void discard(Physical broken) {
		try {
			broken.connection.abort(Runnable::run);
		}
		catch (SQLException | RuntimeException ex) {
			// Broken already.
		}
		try {
			broken.connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			// Broken already.
		}
	}

	private static String describe(@Nullable Physical physical) {
		if (physical == null) {
			return "not borrowed";
		}
		return (physical.replica ? "replica: " : "primary: ") + physical.connection;
	}

	static @Nullable Object invoke(Method method, Object target, @Nullable Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * A borrowed connection, where it came from, and the state this logical connection applied to
	 * it beyond what the pool resets on return.
	 */
	static final class Physical {

		final Connection connection;

		final boolean replica;

		// A statement ran since the last commit or rollback (never in auto-commit).
		boolean inTransaction;

		@Nullable Integer isolation;

		@Nullable Integer holdability;

		@Nullable String schema;

		boolean schemaSet;

		@Nullable String catalog;

		boolean catalogSet;

		Physical(Connection connection, boolean replica, ReadReplicaRoutingDataSource.ConnectionDefaults defaults) {
			this.connection = connection;
			this.replica = replica;
			this.isolation = defaults.transactionIsolation();
		}

	}

}
