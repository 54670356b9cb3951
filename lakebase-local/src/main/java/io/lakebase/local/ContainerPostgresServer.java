package io.lakebase.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a Testcontainers container behind the login front, for a PostgreSQL built the
 * way Lakebase's is (the official image, the same major) where Docker is present. Only loaded
 * when chosen: Testcontainers is an optional dependency of the emulator.
 */
final class ContainerPostgresServer implements DatabaseServer {

	private static final int POSTGRES_PORT = 5432;

	private final GenericContainer<?> container;

	private final String database;

	private final String internalPassword;

	private final String superuserPassword;

	ContainerPostgresServer(String image, String database, String internalPassword, String superuserPassword) {
		this.database = database;
		this.internalPassword = internalPassword;
		this.superuserPassword = superuserPassword;
		this.container = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(POSTGRES_PORT)
			.withEnv("POSTGRES_PASSWORD", superuserPassword)
			.withEnv("POSTGRES_DB", database)
			// The front answers the server's password request in clear text, over loopback or the
			// container network: the server must not ask for SCRAM.
			.withEnv("POSTGRES_HOST_AUTH_METHOD", "password")
			.waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
				.withStartupTimeout(Duration.ofMinutes(2)));
		this.container.start();
		try {
			execute("CREATE ROLE databricks_superuser NOLOGIN",
					"GRANT ALL ON DATABASE " + PostgresBackend.quote(database) + " TO databricks_superuser",
					"GRANT ALL ON SCHEMA public TO databricks_superuser");
		}
		catch (SQLException ex) {
			this.container.stop();
			throw new IllegalStateException("Could not prepare the PostgreSQL container", ex);
		}
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.container.getMappedPort(POSTGRES_PORT);
	}

	@Override
	public String internalPassword() {
		return this.internalPassword;
	}

	@Override
	public void createRole(String name) {
		try {
			execute("CREATE ROLE " + PostgresBackend.quote(name) + " LOGIN PASSWORD '" + this.internalPassword
					+ "' IN ROLE databricks_superuser");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create the role of '" + name + "'", ex);
		}
	}

	@Override
	public void restart() {
		// Docker keeps the container's data and port mapping across a restart.
		this.container.getDockerClient().restartContainerCmd(this.container.getContainerId()).exec();
		long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
		while (true) {
			try (Connection connection = adminConnection()) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The PostgreSQL container did not come back after a restart", ex);
				}
				sleep();
			}
		}
	}

	@Override
	public void close() {
		this.container.stop();
	}

	private void execute(String... statements) throws SQLException {
		try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private Connection adminConnection() throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("password", this.superuserPassword);
		return DriverManager.getConnection(
				"jdbc:postgresql://" + host() + ":" + port() + "/" + this.database + "?sslmode=disable", properties);
	}

	private static void sleep() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the PostgreSQL container", ex);
		}
	}

}
