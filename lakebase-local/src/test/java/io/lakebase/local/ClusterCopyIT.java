package io.lakebase.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of copying a running embedded cluster while sessions write to it: the copy is a
 * consistent snapshot (roles included) and the source keeps working.
 */
class ClusterCopyIT {

	private static final String DATABASE = "databricks_postgres";

	private static final String ROLE = "0d2a4a7e-1b2c-4d5e-8f90-123456789abc";

	@TempDir
	static Path work;

	private static PostgresBackend source;

	private static final List<PostgresBackend> copies = new ArrayList<>();

	@BeforeAll
	static void startSource() throws Exception {
		source = new PostgresBackend(work.resolve("source"), DATABASE, "internal-password", "superuser-password",
				Set.of());
		source.createRole(ROLE);
		try (Connection connection = login(source); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE account (id bigint PRIMARY KEY, balance bigint NOT NULL)");
			statement.execute("INSERT INTO account SELECT g, 100 FROM generate_series(1, 1000) g");
			statement.execute("CREATE TABLE event (id bigserial PRIMARY KEY, payload text)");
		}
	}

	@AfterAll
	static void stop() throws Exception {
		for (PostgresBackend copy : copies) {
			copy.close();
		}
		source.close();
	}

	@Test
	void copyWhileWritingIsAConsistentSnapshotAndTheSourceKeepsWorking() throws Exception {
		AtomicBoolean writing = new AtomicBoolean(true);
		CountDownLatch started = new CountDownLatch(2);
		ExecutorService writers = Executors.newFixedThreadPool(2);
		try (Connection held = login(source)) {
			// A session open across the copy, as an application's pool holds them.
			held.setAutoCommit(false);
			try (Statement statement = held.createStatement()) {
				statement.execute("SELECT count(*) FROM account");
			}
			// Transfers keep the total balance constant in every committed state.
			Future<Integer> transfers = writers.submit(() -> {
				int count = 0;
				try (Connection connection = login(source); Statement statement = connection.createStatement()) {
					started.countDown();
					while (writing.get()) {
						int from = 1 + (count % 1000);
						int to = 1 + ((count * 7 + 3) % 1000);
						statement.execute("BEGIN; UPDATE account SET balance = balance - 5 WHERE id = " + from
								+ "; UPDATE account SET balance = balance + 5 WHERE id = " + to + "; COMMIT");
						count++;
					}
				}
				return count;
			});
			Future<Integer> inserts = writers.submit(() -> {
				int count = 0;
				try (Connection connection = login(source); Statement statement = connection.createStatement()) {
					started.countDown();
					while (writing.get()) {
						statement.execute("INSERT INTO event (payload) SELECT repeat('x', 200) FROM generate_series(1, 20)");
						count++;
					}
				}
				return count;
			});
			started.await();
			Thread.sleep(200);
			long before = System.nanoTime();
			PostgresBackend copy = source.copy(work.resolve("copy"), Set.of(source.port()));
			long tookMillis = (System.nanoTime() - before) / 1_000_000;
			copies.add(copy);
			Thread.sleep(200);
			writing.set(false);
			int transferCount = transfers.get();
			int insertCount = inserts.get();
			System.out.println("Copy and start of the copy: " + tookMillis + " ms (" + transferCount + " transfers, "
					+ insertCount + " inserts during the run)");
			try (Connection connection = login(copy); Statement statement = connection.createStatement()) {
				assertThat(single(statement, "SELECT sum(balance) FROM account")).isEqualTo(100_000L);
				long events = single(statement, "SELECT count(*) FROM event");
				// Whole statements only: 20 rows each, ids without gaps from a serial.
				assertThat(events % 20).isZero();
				assertThat(single(statement, "SELECT count(*) FROM event WHERE id > " + events)).isZero();
				statement.execute("INSERT INTO event (payload) VALUES ('copy only')");
				assertThat(single(statement, "SELECT count(*) FROM event WHERE payload = 'copy only'")).isOne();
			}
			try (Connection connection = login(source); Statement statement = connection.createStatement()) {
				assertThat(single(statement, "SELECT sum(balance) FROM account")).isEqualTo(100_000L);
				assertThat(single(statement, "SELECT count(*) FROM event")).isEqualTo(insertCount * 20L);
				assertThat(single(statement, "SELECT count(*) FROM event WHERE payload = 'copy only'")).isZero();
			}
			try (Statement statement = held.createStatement()) {
				assertThat(single(statement, "SELECT count(*) FROM account")).isEqualTo(1000L);
				held.commit();
			}
		}
		finally {
			writing.set(false);
			writers.shutdownNow();
		}
	}

	@Test
	void copiesAreRepeatableAndIndependent() throws Exception {
		long total = 0;
		int rounds = 3;
		for (int i = 0; i < rounds; i++) {
			long before = System.nanoTime();
			PostgresBackend copy = source.copy(work.resolve("round-" + i), Set.of(source.port()));
			total += (System.nanoTime() - before) / 1_000_000;
			copies.add(copy);
			try (Connection connection = login(copy); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE only_in_round_" + i + " (id int)");
			}
		}
		System.out.println("Copy and start, mean of " + rounds + ": " + (total / rounds) + " ms; source data directory "
				+ size(source.dataDirectory()) / 1024 / 1024 + " MB");
		try (Connection connection = login(source); Statement statement = connection.createStatement()) {
			assertThat(single(statement,
					"SELECT count(*) FROM pg_tables WHERE tablename LIKE 'only_in_round_%'")).isZero();
		}
	}

	@Test
	void copyAloneCopiesTheDataFilesAndTheWalOfTheBackup() throws Exception {
		Path target = Files.createDirectories(work.resolve("files-only"));
		ClusterCopy.Result result;
		try (Connection connection = DriverManager.getConnection(
				"jdbc:postgresql://" + source.host() + ":" + source.port() + "/postgres", "postgres",
				"superuser-password")) {
			result = ClusterCopy.copy(connection, source.dataDirectory(), target);
		}
		System.out.println("Files only: " + result);
		assertThat(target.resolve("backup_label")).content().contains("START WAL LOCATION");
		assertThat(target.resolve("postmaster.pid")).doesNotExist();
		assertThat(result.walSegments()).isPositive();
		try (Connection connection = login(source); Statement statement = connection.createStatement()) {
			// The temporary slot is gone: nothing pins the source's WAL after a copy.
			assertThat(single(statement, "SELECT count(*) FROM pg_replication_slots")).isZero();
		}
	}

	private static long single(Statement statement, String sql) throws SQLException {
		try (ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	// The identity's role with the internal password, as the login front logs in.
	private static Connection login(PostgresBackend server) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + DATABASE,
				ROLE, server.internalPassword());
	}

	private static long size(Path directory) throws Exception {
		try (var files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> file.toFile().length()).sum();
		}
	}

}
