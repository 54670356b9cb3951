package io.lakebase.jdbc;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ReadReplicaRoutingDataSource} on scripted pools and simulated time: which pool serves
 * each transaction of a logical connection, the shapes Spring's transaction managers and
 * Hibernate give (read-only flag and auto-commit set before the first statement, reset after the
 * commit), reading one's own writes, the replay of a first statement whose replica connection
 * broke, fallback, and the one probe per retry window. End to end, on a local Lakebase with
 * Spring, JPA and Spring Data JDBC, in the starter's tests.
 */
class ReadReplicaRoutingDataSourceTests {

	private final StubPool primary = new StubPool("primary");

	private final StubPool replica = new StubPool("replica");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final ReadReplicaRoutingDataSource routing = ReadReplicaRoutingDataSource
		.builder(this.primary, this.replica)
		.nanoClock(this.nanos::get)
		.build();

	@Test
	void aReadOnlyTransactionRunsOnTheReplicaAndTheRestOnThePrimary() throws Exception {
		assertThat(readOnlyTransaction(this.routing, "select 1")).isEqualTo("replica");
		assertThat(readWriteTransaction(this.routing, "select 2")).isEqualTo("primary");
		try (Connection connection = this.routing.getConnection()) {
			assertThat(StubPool.run(connection, "select 3")).isEqualTo("primary");
		}
		assertThat(this.replica.executed).containsExactly("select 1 [] readOnly=true autoCommit=false");
		assertThat(this.primary.executed).containsExactly("select 2 [] readOnly=false autoCommit=false",
				"select 3 [] readOnly=false autoCommit=true");
		assertThat(this.replica.returned.get()).isEqualTo(this.replica.given.get());
		assertThat(this.primary.returned.get()).isEqualTo(this.primary.given.get());
	}

	@Test
	void noConnectionIsBorrowedUntilTheFirstStatementNorToLearnDefaults() throws Exception {
		this.primary.refusing = true;
		ReadReplicaRoutingDataSource routing = ReadReplicaRoutingDataSource.builder(this.primary, this.replica)
			.defaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED)
			.build();
		try (Connection connection = routing.getConnection()) {
			// What DataSourceTransactionManager and Hibernate ask before the first statement.
			assertThat(connection.getAutoCommit()).isTrue();
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(this.primary.asked.get() + this.replica.asked.get()).isZero();
			assertThat(StubPool.run(connection, "select 1")).isEqualTo("replica");
			connection.commit();
			connection.setAutoCommit(true);
			connection.setReadOnly(false);
		}
		// The primary is down: a read-only transaction never waited for it.
		assertThat(this.primary.asked.get()).isZero();
		try (Connection connection = routing.getConnection()) {
			connection.setAutoCommit(false);
			connection.commit();
		}
		assertThat(this.primary.asked.get()).isZero();
	}

	@Test
	void oneConnectionAcrossTransactionsMovesToThePrimaryForTheWrite() throws Exception {
		// JPA's open-in-view: one logical connection for the request; findById, then save.
		try (Connection connection = this.routing.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(StubPool.run(connection, "select note")).isEqualTo("replica");
			connection.commit();
			connection.setAutoCommit(true);
			connection.setReadOnly(false);
			connection.setAutoCommit(false);
			StubPool.update(connection, "update note");
			connection.commit();
			connection.setAutoCommit(true);
			// The replica's connection went back to its pool before the primary's was borrowed.
			assertThat(this.replica.last().closed).isTrue();
			assertThat(this.primary.executed).containsExactly("update note [] readOnly=false autoCommit=false");
		}
		assertThat(this.replica.executed).containsExactly("select note [] readOnly=true autoCommit=false");
	}

	@Test
	void readOnlyWorkAfterAWriteOnTheSameConnectionReadsThePrimary() throws Exception {
		try (Connection connection = this.routing.getConnection()) {
			connection.setAutoCommit(false);
			StubPool.update(connection, "insert note");
			connection.commit();
			connection.setReadOnly(true);
			assertThat(StubPool.run(connection, "select note")).isEqualTo("primary");
			connection.commit();
		}
		assertThat(this.replica.asked.get()).isZero();
		// Still read-only on the primary: a write there fails as it would on the replica.
		assertThat(this.primary.executed).containsExactly("insert note [] readOnly=false autoCommit=false",
				"select note [] readOnly=true autoCommit=false");
	}

	@Test
	void withinAScopeReadOnlyWorkAfterAWriteReadsThePrimary() throws Exception {
		try (ReadReplicaRoutingDataSource.Scope scope = this.routing.openScope()) {
			assertThat(readOnlyTransaction(this.routing, "select before")).isEqualTo("replica");
			readWriteTransaction(this.routing, "insert note");
			assertThat(scope.wrote()).isTrue();
			try (ReadReplicaRoutingDataSource.Scope inner = this.routing.openScope()) {
				assertThat(inner.wrote()).isTrue();
			}
			assertThat(readOnlyTransaction(this.routing, "select after")).isEqualTo("primary");
		}
		// Another request (a new scope), or none: the replica again.
		assertThat(readOnlyTransaction(this.routing, "select later")).isEqualTo("replica");
		try (ReadReplicaRoutingDataSource.Scope scope = this.routing.openScope()) {
			assertThat(scope.wrote()).isFalse();
			assertThat(readOnlyTransaction(this.routing, "select in a new scope")).isEqualTo("replica");
		}
	}

	@Test
	void aFirstStatementWhoseReplicaConnectionBrokeIsReplayedOnThePrimary() throws Exception {
		this.replica.failNextStatementWith = "08006";
		try (Connection connection = this.routing.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement("select note where id = ?")) {
				statement.setFetchSize(10);
				statement.setObject(1, 42);
				assertThat(statement.executeQuery().toString()).isEqualTo("primary");
				assertThat(statement.getConnection()).isSameAs(connection);
			}
			assertThat(StubPool.run(connection, "select more")).isEqualTo("primary");
			connection.commit();
		}
		assertThat(this.replica.last().aborted).isTrue();
		assertThat(this.replica.last().closed).isTrue();
		assertThat(this.primary.executed).containsExactly("select note where id = ? [42] readOnly=true autoCommit=false",
				"select more [] readOnly=true autoCommit=false");
		ReadReplicaRoutingDataSource.Status status = this.routing.status();
		assertThat(status.retries()).isEqualTo(1);
		assertThat(status.fallbacks()).isEqualTo(1);
		assertThat(status.fallingBack()).isTrue();
		assertThat(status.lastError()).isEqualTo("scripted failure on replica");
	}

	@Test
	void aStatementAfterOthersInItsTransactionIsNotReplayed() throws Exception {
		try (Connection connection = this.routing.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			StubPool.run(connection, "select first");
			this.replica.failNextStatementWith = "08006";
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> StubPool.run(connection, "select second"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08006"));
		}
		assertThat(this.primary.asked.get()).isZero();
		// The replica is failing all the same: the next reads skip it.
		assertThat(this.routing.status().fallingBack()).isTrue();
		assertThat(readOnlyTransaction(this.routing, "select next")).isEqualTo("primary");
	}

	@Test
	void aStatementGivenAStreamIsNotReplayed() throws Exception {
		this.replica.failNextStatementWith = "08006";
		try (Connection connection = this.routing.getConnection()) {
			connection.setReadOnly(true);
			try (PreparedStatement statement = connection.prepareStatement("select ?")) {
				statement.setBinaryStream(1, new ByteArrayInputStream(new byte[1]));
				assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeQuery);
			}
		}
		assertThat(this.primary.asked.get()).isZero();
	}

	@Test
	void otherFailuresAndReplicasWithoutFallbackAreNotReplayed() throws Exception {
		this.replica.failNextStatementWith = "42P01";
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> readOnlyTransaction(this.routing, "select from missing"));
		assertThat(this.routing.status().fallingBack()).isFalse();
		ReadReplicaRoutingDataSource withoutFallback = ReadReplicaRoutingDataSource.builder(this.primary, this.replica)
			.fallback(false)
			.build();
		this.replica.failNextStatementWith = "08006";
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> readOnlyTransaction(withoutFallback, "select 1"));
		this.replica.refusing = true;
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> readOnlyTransaction(withoutFallback, "select 2"))
			.withMessage("replica is down");
		assertThat(this.primary.asked.get()).isZero();
		assertThat(withoutFallback.status().fallbacks()).isZero();
	}

	@Test
	void whenTheReplicaRefusesThePrimaryServesReadOnlyAndAWriteThereFails() throws Exception {
		this.replica.refusing = true;
		try (Connection connection = this.routing.getConnection()) {
			// Auto-commit: with readOnlyMode=always PgJDBC makes the session read-only.
			connection.setReadOnly(true);
			assertThat(StubPool.run(connection, "select 1")).isEqualTo("primary");
			assertThat(this.primary.last().readOnly).isTrue();
		}
		assertThat(this.primary.executed).containsExactly("select 1 [] readOnly=true autoCommit=true");
		ReadReplicaRoutingDataSource.Status status = this.routing.status();
		assertThat(status.fallbacks()).isEqualTo(1);
		assertThat(status.lastError()).isEqualTo("replica is down");
		assertThat(status.lastFallback()).isNotNull();
	}

	@Test
	void whenBothRefuseTheCallerSeesThePrimarysFailureWithTheReplicasAttached() {
		this.replica.refusing = true;
		this.primary.refusing = true;
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> readOnlyTransaction(this.routing, "select 1"))
			.withMessage("primary is down")
			.satisfies((ex) -> assertThat(ex.getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("replica is down"));
		assertThat(this.routing.status().fallbacks()).isZero();
	}

	@Test
	void afterTheRetryWindowOneReadProbesTheReplicaAndItsSuccessEndsTheFallback() throws Exception {
		this.replica.refusing = true;
		assertThat(readOnlyTransaction(this.routing, "select 1")).isEqualTo("primary");
		this.replica.refusing = false;
		this.nanos.addAndGet(Duration.ofSeconds(4).toNanos());
		assertThat(readOnlyTransaction(this.routing, "select 2")).isEqualTo("primary");
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(readOnlyTransaction(this.routing, "select 3")).isEqualTo("replica");
		assertThat(this.routing.status().fallingBack()).isFalse();
		assertThat(this.routing.status().replicaFailedAt()).isNull();
		assertThat(readOnlyTransaction(this.routing, "select 4")).isEqualTo("replica");
		assertThat(this.replica.asked.get()).isEqualTo(3);
	}

	@Test
	void whileTheReplicaIsDownAtMostOneOfEightReadersTriesItPerRetryWindow() throws Exception {
		// The replica is down for 20 s; 8 readers read in rounds of 100 ms of simulated time.
		Duration down = Duration.ofSeconds(20);
		Duration round = Duration.ofMillis(100);
		int readers = 8;
		this.replica.refusing = true;
		assertThat(readOnlyTransaction(this.routing, "select discovered")).isEqualTo("primary");
		int rounds = (int) (down.toMillis() / round.toMillis());
		long[] attemptsPerWindow = new long[(int) (down.toSeconds() / 5) + 1];
		long windowStart = this.nanos.get();
		Phaser phaser = new Phaser(readers + 1);
		ExecutorService threads = Executors.newFixedThreadPool(readers);
		try {
			List<Future<Long>> failures = new ArrayList<>();
			for (int i = 0; i < readers; i++) {
				failures.add(threads.submit(() -> {
					long failed = 0;
					for (int r = 0; r < rounds; r++) {
						phaser.arriveAndAwaitAdvance();
						try {
							readOnlyTransaction(this.routing, "select");
						}
						catch (SQLException ex) {
							failed++;
						}
						phaser.arriveAndAwaitAdvance();
					}
					return failed;
				}));
			}
			for (int r = 0; r < rounds; r++) {
				int before = this.replica.asked.get();
				phaser.arriveAndAwaitAdvance();
				phaser.arriveAndAwaitAdvance();
				int window = (int) ((this.nanos.get() - windowStart) / Duration.ofSeconds(5).toNanos());
				attemptsPerWindow[window] += this.replica.asked.get() - before;
				this.nanos.addAndGet(round.toNanos());
			}
			long failed = 0;
			for (Future<Long> failure : failures) {
				failed += failure.get(60, TimeUnit.SECONDS);
			}
			assertThat(failed).isZero();
		}
		finally {
			threads.shutdownNow();
		}
		long probes = this.replica.asked.get() - 1;
		System.out.printf("Read replica figures: replica down %d s, %d readers, %d reads: %d replica attempts "
				+ "(per 5 s window: %s), %d fallbacks, 0 failed%n", down.toSeconds(), readers, rounds * readers, probes,
				java.util.Arrays.toString(attemptsPerWindow), this.routing.status().fallbacks());
		assertThat(java.util.Arrays.stream(attemptsPerWindow).max().orElse(0)).isLessThanOrEqualTo(1);
		assertThat(probes).isBetween(3L, 4L);
		assertThat(this.routing.status().fallbacks()).isEqualTo(1L + (long) rounds * readers);
	}

	@Test
	void stateSetBeforeTheFirstStatementIsAppliedToTheBorrowedConnection() throws Exception {
		try (Connection connection = this.routing.getConnection()) {
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			connection.setSchema("notes");
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
			assertThat(connection.getSchema()).isEqualTo("notes");
			StubPool.run(connection, "select 1");
			assertThat(this.replica.last().calls).containsExactly("setAutoCommit(false)", "setReadOnly(true)",
					"setTransactionIsolation(4)", "setSchema(notes)", "prepareStatement(select 1)");
		}
	}

	@Test
	void aCommitReachesTheDriverAfterWorkTheStatementsDidNotSee() throws Exception {
		try (Connection connection = this.routing.getConnection()) {
			connection.setAutoCommit(false);
			// An unwrapped driver connection (PgJDBC's COPY, say) works behind the statements' back.
			assertThat(connection.isWrapperFor(org.postgresql.PGConnection.class)).isFalse();
			connection.setReadOnly(true);
			connection.commit();
			assertThat(this.primary.last().calls).containsSubsequence("isWrapperFor(interface org.postgresql.PGConnection)",
					"setReadOnly(true)", "commit");
		}
		assertThat(this.replica.asked.get()).isZero();
	}

	@Test
	void unwrapReachesThePrimaryPool() throws Exception {
		assertThat(this.routing.unwrap(StubPool.class)).isSameAs(this.primary);
		assertThat(this.routing.isWrapperFor(StubPool.class)).isTrue();
		assertThat(this.routing.unwrap(ReadReplicaRoutingDataSource.class)).isSameAs(this.routing);
	}

	private static String readOnlyTransaction(ReadReplicaRoutingDataSource routing, String sql) throws SQLException {
		// As DataSourceTransactionManager does it.
		try (Connection connection = routing.getConnection()) {
			connection.setReadOnly(true);
			if (connection.getAutoCommit()) {
				connection.setAutoCommit(false);
			}
			String served = StubPool.run(connection, sql);
			connection.commit();
			connection.setAutoCommit(true);
			connection.setReadOnly(false);
			return served;
		}
	}

	private static String readWriteTransaction(ReadReplicaRoutingDataSource routing, String sql) throws SQLException {
		try (Connection connection = routing.getConnection()) {
			connection.setAutoCommit(false);
			String served = StubPool.run(connection, sql);
			connection.commit();
			connection.setAutoCommit(true);
			return served;
		}
	}

}
