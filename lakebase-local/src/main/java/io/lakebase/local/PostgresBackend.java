package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

/**
 * The embedded PostgreSQL server behind the login front: on a free loopback port, with a data
 * directory of its own that survives a restart.
 */
final class PostgresBackend implements DatabaseServer {

	private static final String TRUSTED_SUPERUSER = """
			host all postgres 127.0.0.1/32 trust
			host all all 127.0.0.1/32 password
			""";

	// Every role, the superuser too, presents its password: the login front holds the roles'
	// internal password (sent in clear over loopback, which the front's relay speaks), and only
	// this class the superuser's.
	private static final String PASSWORD_ONLY = """
			host all postgres 127.0.0.1/32 scram-sha-256
			host all all 127.0.0.1/32 password
			""";

	private final Path dataDirectory;

	private final int port;

	private final String database;

	private final String internalPassword;

	private final String superuserPassword;

	private final Path logFile;

	private volatile @Nullable EmbeddedPostgres postgres;

	/**
	 * Starts the server on a free port.
	 * @param workDirectory where its data directory and log go
	 * @param database the database to make
	 * @param internalPassword the password of every role the front logs in as
	 * @param superuserPassword the superuser's password
	 * @param reservedPorts ports the server must not take (the front's and the API's fixed ports,
	 * bound after it starts)
	 * @throws IOException if it cannot start
	 */
	PostgresBackend(Path workDirectory, String database, String internalPassword, String superuserPassword,
			Set<Integer> reservedPorts) throws IOException {
		this.dataDirectory = Files.createDirectories(workDirectory.resolve("pgdata"));
		this.logFile = workDirectory.resolve("postgres.log");
		this.port = freePort(reservedPorts);
		this.database = database;
		this.internalPassword = internalPassword;
		this.superuserPassword = superuserPassword;
		this.postgres = startFirstTime();
		try (Connection connection = adminConnection("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + quote(database));
			statement.execute("CREATE ROLE databricks_superuser NOLOGIN");
			statement.execute("GRANT ALL ON DATABASE " + quote(database) + " TO databricks_superuser");
		}
		catch (SQLException ex) {
			throw new IOException("Could not prepare the embedded PostgreSQL server", ex);
		}
		try (Connection connection = adminConnection(database); Statement statement = connection.createStatement()) {
			statement.execute("GRANT ALL ON SCHEMA public TO databricks_superuser");
		}
		catch (SQLException ex) {
			throw new IOException("Could not prepare the embedded PostgreSQL server", ex);
		}
	}

	// A server on a data directory that already holds a cluster: a copy made by ClusterCopy, whose
	// roles and passwords are the source's.
	private PostgresBackend(Path workDirectory, PostgresBackend source, Set<Integer> reservedPorts)
			throws IOException {
		this.dataDirectory = workDirectory.resolve("pgdata");
		this.logFile = workDirectory.resolve("postgres.log");
		this.port = freePort(reservedPorts);
		this.database = source.database;
		this.internalPassword = source.internalPassword;
		this.superuserPassword = source.superuserPassword;
		this.postgres = start();
	}

	/**
	 * Starts a second server on a copy of this one's cluster taken now, while this one stays in
	 * use: every database and role as of the copy's end.
	 * @param workDirectory where the copy's data directory and log go (its {@code pgdata} must not
	 * exist yet)
	 * @param reservedPorts ports the copy must not take
	 * @return the running copy
	 * @throws IOException if the copy or its start fails
	 */
	PostgresBackend copy(Path workDirectory, Set<Integer> reservedPorts) throws IOException {
		Path target = workDirectory.resolve("pgdata");
		Files.createDirectories(workDirectory);
		Files.createDirectory(target);
		if (Files.getFileStore(target).supportsFileAttributeView("posix")) {
			// The server refuses a data directory others may read.
			Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
		}
		try (Connection connection = adminConnection("postgres")) {
			ClusterCopy.copy(connection, this.dataDirectory, target);
		}
		catch (SQLException ex) {
			throw new IOException("Could not copy the embedded PostgreSQL cluster", ex);
		}
		return new PostgresBackend(workDirectory, this, reservedPorts);
	}

	/**
	 * Returns the data directory.
	 * @return the data directory
	 */
	Path dataDirectory() {
		return this.dataDirectory;
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String internalPassword() {
		return this.internalPassword;
	}

	@Override
	public void createRole(String name) {
		try (Connection connection = adminConnection("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + quote(name) + " LOGIN PASSWORD '" + this.internalPassword
					+ "' IN ROLE databricks_superuser");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create the role of '" + name + "'", ex);
		}
	}

	@Override
	public synchronized void restart() {
		try {
			stop();
			this.postgres = start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not restart the embedded PostgreSQL server", ex);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		stop();
	}

	private void stop() throws IOException {
		EmbeddedPostgres running = this.postgres;
		this.postgres = null;
		if (running != null) {
			running.close();
		}
	}

	private EmbeddedPostgres startFirstTime() throws IOException {
		// initdb makes a superuser without a password, and the start's readiness check logs in as it:
		// only this first start trusts it on loopback, until it has a password only the emulator holds.
		EmbeddedPostgres started = start(TRUSTED_SUPERUSER, null);
		try (Connection connection = started.getDatabase("postgres", "postgres").getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER ROLE postgres PASSWORD '" + this.superuserPassword + "'");
			writeHbaFile(PASSWORD_ONLY);
			statement.execute("SELECT pg_reload_conf()");
		}
		catch (SQLException ex) {
			started.close();
			throw new IOException("Could not secure the embedded PostgreSQL server", ex);
		}
		return started;
	}

	private EmbeddedPostgres start() throws IOException {
		return start(PASSWORD_ONLY, this.superuserPassword);
	}

	private EmbeddedPostgres start(String hba, @Nullable String superuserPassword) throws IOException {
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDirectory)
			.setCleanDataDirectory(false)
			// LocalLakebase's own hook stops the server before removing its files.
			.setRegisterShutdownHook(false)
			.setPort(this.port)
			.setServerConfig("listen_addresses", "127.0.0.1")
			// No Unix socket: every login is a TCP login the hba file rules.
			.setServerConfig("unix_socket_directories", "")
			.setServerConfig("hba_file", writeHbaFile(hba).toString())
			.setServerConfig("max_connections", "300")
			.setServerConfig("fsync", "off")
			.setServerConfig("synchronous_commit", "off")
			.setServerConfig("full_page_writes", "off")
			// initdb's and the server's own output go to a log file, not to the application's log.
			.setOutputRedirector(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
			.setErrorRedirector(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()));
		if (superuserPassword != null) {
			// Also the password of the start's own readiness check.
			builder.setConnectConfig("password", superuserPassword);
		}
		if (!Files.exists(this.dataDirectory.resolve("postgresql.conf")) && !ClusterTemplate.seed(this.dataDirectory)) {
			// The first server of this JVM: initdb, and its cluster kept for the next ones.
			builder.setDataDirectoryCustomizer(ClusterTemplate.keeper());
		}
		try {
			return builder.start();
		}
		catch (IOException | RuntimeException ex) {
			throw new IOException("The embedded PostgreSQL server did not start; the end of its log (" + this.logFile
					+ "):\n" + lastLines(this.logFile, 20), ex);
		}
	}

	private static String lastLines(Path file, int count) {
		try {
			List<String> lines = Files.readAllLines(file);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	private Path writeHbaFile(String rules) throws IOException {
		Path hba = this.dataDirectory.getParent().resolve("pg_hba.conf");
		Files.writeString(hba, rules);
		return hba;
	}

	private Connection adminConnection(String database) throws SQLException {
		EmbeddedPostgres running = this.postgres;
		if (running == null) {
			throw new SQLException("The embedded PostgreSQL server is not running");
		}
		return running.getDatabase("postgres", database, Map.of("password", this.superuserPassword)).getConnection();
	}

	static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	private static int freePort(Set<Integer> reserved) throws IOException {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				if (!reserved.contains(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
		}
	}

}
