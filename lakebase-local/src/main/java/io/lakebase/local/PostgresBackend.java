package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

/**
 * The embedded PostgreSQL server behind the login front: on a free loopback port, with a data
 * directory of its own that survives a restart.
 */
final class PostgresBackend implements DatabaseServer {

	private final Path dataDirectory;

	private final int port;

	private final String database;

	private final String internalPassword;

	private volatile @Nullable EmbeddedPostgres postgres;

	PostgresBackend(Path workDirectory, String database, String internalPassword) throws IOException {
		this.dataDirectory = Files.createDirectories(workDirectory.resolve("pgdata"));
		this.port = freePort();
		this.database = database;
		this.internalPassword = internalPassword;
		this.postgres = start();
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

	private EmbeddedPostgres start() throws IOException {
		return EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDirectory)
			.setCleanDataDirectory(false)
			// LocalLakebase's own hook stops the server before removing its files.
			.setRegisterShutdownHook(false)
			.setPort(this.port)
			.setServerConfig("listen_addresses", "127.0.0.1")
			.setServerConfig("hba_file", writeHbaFile().toString())
			.setServerConfig("max_connections", "300")
			.setServerConfig("fsync", "off")
			.setServerConfig("synchronous_commit", "off")
			.setServerConfig("full_page_writes", "off")
			.start();
	}

	private Path writeHbaFile() throws IOException {
		// The emulator's own superuser is trusted on loopback (zonky's readiness check needs it);
		// every other role must present the internal password that only the login front holds.
		Path hba = this.dataDirectory.getParent().resolve("pg_hba.conf");
		Files.writeString(hba, """
				local all postgres trust
				host all postgres 127.0.0.1/32 trust
				host all all 127.0.0.1/32 password
				""");
		return hba;
	}

	private Connection adminConnection(String database) throws SQLException {
		EmbeddedPostgres running = this.postgres;
		if (running == null) {
			throw new SQLException("The embedded PostgreSQL server is not running");
		}
		return running.getDatabase("postgres", database).getConnection();
	}

	static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
