package io.lakebase.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of starting, restarting and stopping a {@link LocalLakebase}, each with one of its own.
 */
class LocalLakebaseLifecycleTests {

	@Test
	void tlsOnlyFrontRefusesPlaintextLogins() throws Exception {
		try (LocalLakebase lakebase = LocalLakebase.builder().plaintextConnections(false).start()) {
			Identity identity = lakebase.defaultIdentity();
			String token = lakebase.issueToken(identity, Duration.ofMinutes(5)).token();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Clients.connect(lakebase, identity.name(), token, "disable"))
				.withMessageContaining("Ensure that connection is using SSL");
			try (Connection connection = Clients.connect(lakebase, identity.name(), token, "require")) {
				assertThat(Clients.whoAmI(connection)).containsExactly(identity.name(), "databricks_postgres");
			}
		}
	}

	@Test
	void databaseRestartClosesConnectionsAndKeepsData() throws Exception {
		try (LocalLakebase lakebase = LocalLakebase.start()) {
			Identity identity = lakebase.defaultIdentity();
			String token = lakebase.issueToken(identity, Duration.ofMinutes(5)).token();
			try (Connection connection = Clients.connect(lakebase, identity.name(), token, "require");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE notes (body text)");
				statement.execute("INSERT INTO notes VALUES ('kept')");
				lakebase.faults().restartDatabase();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Clients.whoAmI(connection));
			}
			try (Connection connection = Clients.connect(lakebase, identity.name(), token, "require");
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT body FROM notes")) {
				assertThat(result.next()).isTrue();
				assertThat(result.getString(1)).isEqualTo("kept");
			}
		}
	}

	@Test
	void theDatabaseBehindTheFrontRefusesEveryLoginThatBypassesIt() throws Exception {
		try (LocalLakebase lakebase = LocalLakebase.start()) {
			Identity identity = lakebase.defaultIdentity();
			String token = lakebase.issueToken(identity, Duration.ofMinutes(5)).token();
			assertBypassRefused(lakebase, identity, token);
			lakebase.faults().restartDatabase();
			assertBypassRefused(lakebase, identity, token);
			try (Connection connection = Clients.connect(lakebase, identity.name(), token, "require")) {
				assertThat(Clients.whoAmI(connection)).containsExactly(identity.name(), "databricks_postgres");
			}
		}
	}

	private static void assertBypassRefused(LocalLakebase lakebase, Identity identity, String token) {
		String url = "jdbc:postgresql://127.0.0.1:" + lakebase.databasePort() + "/postgres?sslmode=disable";
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url, "postgres", null).close())
			.withMessageContaining("no password was provided");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres").close())
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(url, identity.name(), token).close())
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
	}

	@Test
	void closeLeavesNoPortOrFileBehind() throws Exception {
		LocalLakebase lakebase = LocalLakebase.start();
		int frontPort = lakebase.port();
		int apiPort = Integer.parseInt(lakebase.workspaceUrl().substring(lakebase.workspaceUrl().lastIndexOf(':') + 1));
		Path workDirectory = lakebase.caCertificate().getParent();
		assertThat(isListening(frontPort)).isTrue();
		lakebase.close();
		assertThat(isListening(frontPort)).isFalse();
		assertThat(isListening(apiPort)).isFalse();
		assertThat(Files.exists(workDirectory)).isFalse();
	}

	private static boolean isListening(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
