package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of starting, restarting and stopping a {@link LocalLakebase}, each with one of its own.
 */
class LocalLakebaseLifecycleIT {

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
		String replicaHost = lakebase.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		assertThat(isListening(frontPort)).isTrue();
		assertThat(isListening(replicaHost, frontPort)).isTrue();
		lakebase.close();
		assertThat(isListening(frontPort)).isFalse();
		assertThat(isListening(replicaHost, frontPort)).isFalse();
		assertThat(isListening(apiPort)).isFalse();
		assertThat(Files.exists(workDirectory)).isFalse();
	}

	@Test
	void aFixedPortTakenOnAnotherComputesHostIsReportedWithThatHost() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = probe.getLocalPort();
		}
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port), 1);
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> LocalLakebase.builder().port(port).start().close())
				.havingCause()
				.isInstanceOf(BindException.class)
				.withMessage("Port " + port + " of the login front is in use on 127.0.0.2");
		}
	}

	@Test
	void withOnlyOneLoopbackAddressEveryComputeShares127001AndOneWarningSaysHowToAlias() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(LocalLakebase.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try (LocalLakebase lakebase = LocalLakebase.builder().bindableAddresses("127.0.0.1"::equals).start()) {
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getFormattedMessage())
					.contains("endpoint " + LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT)
					.contains("share 127.0.0.1")
					.contains("sudo ifconfig lo0 alias 127.0.0.2");
			});
			assertThat(lakebase.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT)).isEqualTo("127.0.0.1");
			assertThat(lakebase.readOnlyHost(LocalLakebase.DEFAULT_ENDPOINT)).hasValue("127.0.0.1");
			assertThat(lakebase.readOnlyHost(LocalLakebase.DEFAULT_INSTANCE)).hasValue("127.0.0.1");
			// Sharing the primary's address, the replica behaves like the primary: no standby.
			Identity identity = lakebase.defaultIdentity();
			String token = lakebase.issueToken(identity, Duration.ofMinutes(5)).token();
			try (Connection connection = Clients.connect(lakebase,
					lakebase.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT), identity.name(), token, "verify-full");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE shared_notes (body text)");
				statement.execute("INSERT INTO shared_notes VALUES ('written')");
			}
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	private static boolean isListening(int port) {
		return isListening("127.0.0.1", port);
	}

	private static boolean isListening(String host, int port) {
		try (Socket socket = new Socket(InetAddress.getByName(host), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
