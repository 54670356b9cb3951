package io.lakebase.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A statement of a {@link RoutingConnection}: it tells the connection before each execution, and,
 * on a replica connection, records how it was made and every parameter and setting it was given,
 * so that a first statement whose replica connection broke before it ran can be made and run again
 * on the primary. Not replayed: a statement given a stream or a large object (they cannot be read
 * twice), or one that is not the first of its transaction.
 */
final class RoutedStatement implements java.lang.reflect.InvocationHandler {

	// Connection failures, and the server shutting down or not accepting connections yet.
	private static final Set<String> CONNECTION_FAILURES = Set.of("57P01", "57P02", "57P03");

	// Beyond this, a statement is not recorded any more (a long batch, say), and not replayed.
	private static final int MAX_RECORDED_CALLS = 10_000;

	private final RoutingConnection connection;

	private final Method creator;

	private final @Nullable Object[] creatorArgs;

	private RoutingConnection.Physical physical;

	private Statement delegate;

	private @Nullable List<Call> calls;

	private RoutedStatement(RoutingConnection connection, RoutingConnection.Physical physical, Method creator,
			@Nullable Object[] creatorArgs, Statement delegate) {
		this.connection = connection;
		this.physical = physical;
		this.creator = creator;
		this.creatorArgs = creatorArgs;
		this.delegate = delegate;
		this.calls = physical.replica ? new ArrayList<>() : null;
	}

	static Statement wrap(RoutingConnection connection, RoutingConnection.Physical physical, Method creator,
			@Nullable Object[] creatorArgs, Statement delegate) {
		RoutedStatement handler = new RoutedStatement(connection, physical, creator, creatorArgs, delegate);
		return (Statement) Proxy.newProxyInstance(RoutedStatement.class.getClassLoader(),
				new Class<?>[] { creator.getReturnType() }, handler);
	}

	static boolean isConnectionFailure(SQLException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || CONNECTION_FAILURES.contains(sql.getSQLState()))) {
				return true;
			}
		}
		return false;
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
				return this.delegate.toString();
			case "getConnection":
				return this.connection.proxy();
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
			default:
		}
		if (name.startsWith("execute")) {
			return execute(method, args);
		}
		if (this.calls != null) {
			record(method, args);
		}
		return RoutingConnection.invoke(method, this.delegate, args);
	}

	private @Nullable Object execute(Method method, @Nullable Object[] args) throws Throwable {
		boolean first = this.connection.beforeExecute(this.physical);
		try {
			return RoutingConnection.invoke(method, this.delegate, args);
		}
		catch (SQLException ex) {
			if (!this.physical.replica || !isConnectionFailure(ex)) {
				throw ex;
			}
			if (!first || this.calls == null) {
				this.connection.replicaBroke(ex);
				throw ex;
			}
			return replay(method, args, ex);
		}
	}

	// Nothing ran on the replica: the same statement, made anew on the primary, runs there.
	private @Nullable Object replay(Method method, @Nullable Object[] args, SQLException failure) throws Throwable {
		List<Call> recorded = this.calls;
		RoutingConnection.Physical replacement = this.connection.replaceBroken(this.physical, failure);
		if (replacement == null || recorded == null) {
			throw failure;
		}
		try {
			Statement again = (Statement) RoutingConnection.invoke(this.creator, replacement.connection,
					this.creatorArgs);
			for (Call call : recorded) {
				RoutingConnection.invoke(call.method, again, call.args);
			}
			this.delegate = again;
			this.physical = replacement;
			this.calls = null;
			this.connection.beforeExecute(replacement);
			return RoutingConnection.invoke(method, again, args);
		}
		catch (Throwable retry) {
			retry.addSuppressed(failure);
			throw retry;
		}
	}

	private void record(Method method, @Nullable Object[] args) {
		List<Call> recorded = this.calls;
		if (recorded == null) {
			return;
		}
		String name = method.getName();
		if (!name.startsWith("set") && !name.equals("addBatch") && !name.startsWith("clear")
				&& !name.equals("closeOnCompletion")) {
			return;
		}
		if (recorded.size() >= MAX_RECORDED_CALLS || !replayable(args)) {
			this.calls = null;
			return;
		}
		recorded.add(new Call(method, args));
	}

	private static boolean replayable(@Nullable Object[] args) {
		if (args != null) {
			for (Object arg : args) {
				if (arg instanceof InputStream || arg instanceof Reader || arg instanceof Blob || arg instanceof Clob) {
					return false;
				}
			}
		}
		return true;
	}

	private record Call(Method method, @Nullable Object[] args) {
	}

}
