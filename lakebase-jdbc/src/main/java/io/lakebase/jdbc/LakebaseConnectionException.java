package io.lakebase.jdbc;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a connection to Lakebase cannot be opened although the workspace answered: the host
 * is unreachable, or Postgres rejected the login. Carries where the login went, for failure
 * reports.
 *
 * @since 0.1.0
 */
public class LakebaseConnectionException extends RuntimeException {

	private final LakebaseConnectionInfo connection;

	/**
	 * Creates an exception.
	 * @param connection where the login went
	 * @param cause the JDBC failure
	 */
	public LakebaseConnectionException(LakebaseConnectionInfo connection, Throwable cause) {
		super("Could not open a connection to Lakebase " + connection.target().name() + " at " + connection.host()
				+ ":" + connection.port() + "/" + connection.database() + " as '" + connection.username() + "': "
				+ Failures.deepest(cause).getMessage(), cause);
		this.connection = connection;
	}

	/**
	 * Returns where the login went.
	 * @return the connection
	 */
	public LakebaseConnectionInfo getConnection() {
		return this.connection;
	}

	/**
	 * Returns the JDBC failure, if the cause chain holds one.
	 * @return the first {@link SQLException} of the cause chain, or {@code null}
	 */
	public @Nullable SQLException getSqlException() {
		return Failures.find(getCause(), SQLException.class);
	}

}
