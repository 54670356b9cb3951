package io.lakebase.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ReadReplicaDataSource}: which pool gives read-only connections, with scripted pools.
 * End to end on a local Lakebase, with Spring's routing above it, in the starter's tests.
 */
class ReadReplicaDataSourceTests {

	private final LakebaseConnector replicaConnector = LakebaseConnector
		.builder(LakebaseConnectionSettings.builder(LakebaseTarget.endpoint("projects/p/branches/b/endpoints/replica"))
			.build())
		.workspaceClient(() -> {
			throw new AssertionError("no workspace call expected");
		})
		.build();

	private final ScriptedPool replica = new ScriptedPool("replica");

	private final ScriptedPool primary = new ScriptedPool("primary");

	@AfterEach
	void close() {
		this.replicaConnector.close();
	}

	@Test
	void aHealthyReplicaGivesEveryReadOnlyConnection() throws Exception {
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replica, this.replicaConnector, this.primary, true);
		try (Connection connection = readOnly.getConnection()) {
			assertThat(connection.toString()).isEqualTo("replica");
		}
		assertThat(this.primary.given.get()).isZero();
		assertThat(readOnly.status().fallbacks()).isZero();
		assertThat(readOnly.status().fallingBack()).isFalse();
	}

	@Test
	void whenTheReplicaCannotGiveAConnectionThePrimaryGivesAReadOnlyOne() throws Exception {
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replica, this.replicaConnector, this.primary, true);
		this.replica.failing = true;
		try (Connection connection = readOnly.getConnection()) {
			assertThat(connection.toString()).isEqualTo("primary");
		}
		assertThat(this.primary.readOnlyCalls).containsExactly(true);
		// Skipped until it logs in again or the retry time passes: one wait, not one per read.
		try (Connection connection = readOnly.getConnection()) {
			assertThat(connection.toString()).isEqualTo("primary");
		}
		assertThat(this.replica.asked.get()).isEqualTo(1);
		ReadReplicaDataSource.Status status = readOnly.status();
		assertThat(status.fallbacks()).isEqualTo(2);
		assertThat(status.fallingBack()).isTrue();
		assertThat(status.lastError()).isEqualTo("replica is down");
		assertThat(status.lastFallback()).isNotNull();
	}

	@Test
	void aReplicaLoginAfterTheFailureEndsTheFallbackAtOnce() throws Exception {
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replica, this.replicaConnector, this.primary, true);
		this.replica.failing = true;
		readOnly.getConnection().close();
		this.replica.failing = false;
		Thread.sleep(5);
		// What the replica's pool does in the background: a login through its connector.
		this.replicaConnector.loggedIn(null);
		assertThat(readOnly.status().fallingBack()).isFalse();
		try (Connection connection = readOnly.getConnection()) {
			assertThat(connection.toString()).isEqualTo("replica");
		}
		assertThat(readOnly.status().replicaFailedAt()).isNull();
	}

	@Test
	void withoutFallbackTheReplicasFailureIsTheCallersAndThePrimaryIsNotAsked() {
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replica, this.replicaConnector, this.primary,
				false);
		this.replica.failing = true;
		assertThatExceptionOfType(SQLException.class).isThrownBy(readOnly::getConnection)
			.withMessage("replica is down");
		assertThatExceptionOfType(SQLException.class).isThrownBy(readOnly::getConnection);
		assertThat(this.replica.asked.get()).isEqualTo(2);
		assertThat(this.primary.given.get()).isZero();
		assertThat(readOnly.status().fallingBack()).isFalse();
	}

	@Test
	void whenBothFailTheCallerSeesThePrimarysFailureWithTheReplicasAttached() {
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replica, this.replicaConnector, this.primary, true);
		this.replica.failing = true;
		this.primary.failing = true;
		assertThatExceptionOfType(SQLException.class).isThrownBy(readOnly::getConnection)
			.withMessage("primary is down")
			.satisfies((ex) -> assertThat(ex.getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("replica is down"));
		assertThat(readOnly.status().fallbacks()).isZero();
	}

	/**
	 * A pool that gives connections named after it, or fails as a pool does when it times out.
	 */
	private static final class ScriptedPool implements InvocationDataSource {

		private final String name;

		final AtomicInteger asked = new AtomicInteger();

		final AtomicInteger given = new AtomicInteger();

		final List<Boolean> readOnlyCalls = new ArrayList<>();

		volatile boolean failing;

		ScriptedPool(String name) {
			this.name = name;
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.asked.incrementAndGet();
			if (this.failing) {
				throw new SQLTransientConnectionException(this.name + " is down");
			}
			this.given.incrementAndGet();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> switch (method.getName()) {
						case "toString" -> this.name;
						case "setReadOnly" -> {
							this.readOnlyCalls.add((Boolean) args[0]);
							yield null;
						}
						case "close" -> null;
						default -> throw new UnsupportedOperationException(method.getName());
					});
		}

	}

	/**
	 * A {@link DataSource} of which only {@code getConnection()} is used.
	 */
	private interface InvocationDataSource extends DataSource {

		@Override
		default Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		default java.io.PrintWriter getLogWriter() {
			return null;
		}

		@Override
		default void setLogWriter(java.io.PrintWriter out) {
		}

		@Override
		default void setLoginTimeout(int seconds) {
		}

		@Override
		default int getLoginTimeout() {
			return 0;
		}

		@Override
		default java.util.logging.Logger getParentLogger() {
			return java.util.logging.Logger.getGlobal();
		}

		@Override
		default <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		default boolean isWrapperFor(Class<?> type) {
			return false;
		}

	}

}
