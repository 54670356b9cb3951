package io.lakebase.spring.autoconfigure;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;

/**
 * Thrown when the startup check cannot open a connection to Lakebase. Carries where it tried to
 * connect, for {@link LakebaseConnectionFailureAnalyzer}.
 */
public class LakebaseConnectionException extends RuntimeException {

	private final LakebaseTarget target;

	private final String host;

	private final int port;

	private final String database;

	private final String username;

	/**
	 * Creates an exception.
	 * @param target the endpoint or instance
	 * @param host the database host
	 * @param port the database port
	 * @param database the database name
	 * @param username the Postgres role the starter logged in as
	 * @param cause the JDBC or pool failure
	 */
	public LakebaseConnectionException(LakebaseTarget target, String host, int port, String database,
			String username, Throwable cause) {
		super("Could not open a connection to Lakebase " + target.name() + " at " + host + ":" + port + "/" + database
				+ " as '" + username + "': " + NestedExceptionUtils.getMostSpecificCause(cause).getMessage(),
				cause);
		this.target = target;
		this.host = host;
		this.port = port;
		this.database = database;
		this.username = username;
	}

	/**
	 * Returns the endpoint or instance.
	 * @return the target
	 */
	public LakebaseTarget getTarget() {
		return this.target;
	}

	/**
	 * Returns the database host.
	 * @return the host
	 */
	public String getHost() {
		return this.host;
	}

	/**
	 * Returns the database port.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Returns the database name.
	 * @return the database
	 */
	public String getDatabase() {
		return this.database;
	}

	/**
	 * Returns the Postgres role the starter logged in as.
	 * @return the user name
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * Returns the JDBC failure, if the cause chain holds one.
	 * @return the first {@link SQLException} of the cause chain, or {@code null}
	 */
	public @Nullable SQLException getSqlException() {
		for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sqlException) {
				return sqlException;
			}
		}
		return null;
	}

}
