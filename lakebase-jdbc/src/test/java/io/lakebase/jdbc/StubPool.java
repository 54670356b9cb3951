package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A pool of scripted connections for routing tests: it counts what it is asked and gives, each
 * connection remembers its state (auto-commit, read-only, as PgJDBC keeps them) and logs what it
 * ran, and a test makes the pool refuse connections, or the next statement fail with a SQLSTATE.
 */
final class StubPool implements DataSource {

	final String name;

	final AtomicInteger asked = new AtomicInteger();

	final AtomicInteger given = new AtomicInteger();

	final AtomicInteger returned = new AtomicInteger();

	/** What ran on this pool's connections: "sql [params] readOnly=.. autoCommit=..". */
	final List<String> executed = Collections.synchronizedList(new ArrayList<>());

	final List<StubConnection> connections = Collections.synchronizedList(new ArrayList<>());

	volatile boolean refusing;

	volatile String failNextStatementWith;

	StubPool(String name) {
		this.name = name;
	}

	@Override
	public Connection getConnection() throws SQLException {
		this.asked.incrementAndGet();
		if (this.refusing) {
			throw new SQLTransientConnectionException(this.name + " is down", "08001");
		}
		this.given.incrementAndGet();
		StubConnection connection = new StubConnection(this);
		this.connections.add(connection);
		return connection.proxy;
	}

	StubConnection last() {
		return this.connections.get(this.connections.size() - 1);
	}

	/** One scripted physical connection. */
	static final class StubConnection {

		final StubPool pool;

		final Connection proxy;

		volatile boolean autoCommit = true;

		volatile boolean readOnly;

		volatile boolean closed;

		volatile boolean aborted;

		final List<String> calls = Collections.synchronizedList(new ArrayList<>());

		StubConnection(StubPool pool) {
			this.pool = pool;
			this.proxy = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						String name = method.getName();
						if (!name.equals("getAutoCommit") && !name.equals("isReadOnly") && !name.equals("toString")) {
							this.calls.add(name + ((args != null && args.length == 1) ? "(" + args[0] + ")" : ""));
						}
						switch (name) {
							case "toString":
								return pool.name;
							case "getAutoCommit":
								return this.autoCommit;
							case "setAutoCommit":
								this.autoCommit = (Boolean) args[0];
								return null;
							case "isReadOnly":
								return this.readOnly;
							case "setReadOnly":
								this.readOnly = (Boolean) args[0];
								return null;
							case "close":
								if (!this.closed) {
									this.closed = true;
									pool.returned.incrementAndGet();
								}
								return null;
							case "abort":
								this.aborted = true;
								return null;
							case "isClosed":
								return this.closed;
							case "prepareStatement":
								return statement((String) args[0]);
							case "createStatement":
								return statement(null);
							case "unwrap":
								return proxy;
							case "isWrapperFor":
								return false;
							default:
								return null;
						}
					});
		}

		private PreparedStatement statement(String preparedSql) {
			List<Object> parameters = new ArrayList<>();
			return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
						String name = method.getName();
						if (name.startsWith("set") && args != null && args.length == 2) {
							parameters.add(args[1]);
							return null;
						}
						if (name.startsWith("execute")) {
							String failure = this.pool.failNextStatementWith;
							if (failure != null) {
								this.pool.failNextStatementWith = null;
								throw new SQLException("scripted failure on " + this.pool.name, failure);
							}
							String sql = (preparedSql != null) ? preparedSql : (String) args[0];
							this.pool.executed.add(sql + " " + parameters + " readOnly=" + this.readOnly + " autoCommit="
									+ this.autoCommit);
							if (name.equals("executeQuery")) {
								return resultSet();
							}
							if (name.equals("executeUpdate")) {
								return 1;
							}
							return false;
						}
						if (name.equals("toString")) {
							return this.pool.name + " statement";
						}
						return null;
					});
		}

		private ResultSet resultSet() {
			return (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ResultSet.class },
					(proxy, method, args) -> method.getName().equals("toString") ? this.pool.name : null);
		}

	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return getConnection();
	}

	@Override
	public PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(PrintWriter out) {
	}

	@Override
	public void setLoginTimeout(int seconds) {
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() {
		return Logger.getGlobal();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		throw new SQLException("not a wrapper");
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return false;
	}

	static String run(Connection connection, String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet result = statement.executeQuery()) {
				return result.toString();
			}
		}
	}

	static void update(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate(sql);
		}
	}

}
