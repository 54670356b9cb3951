package io.lakebase.spring.autoconfigure;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the startup check cannot open a connection to Lakebase.
 */
public class LakebaseConnectionException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what failed, never holding a secret
	 * @param cause the JDBC or pool failure
	 */
	public LakebaseConnectionException(String message, Throwable cause) {
		super(message, cause);
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
