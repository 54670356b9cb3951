package io.lakebase.jdbc;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.TimeoutException;

import com.databricks.sdk.core.DatabricksError;
import org.jspecify.annotations.Nullable;

/**
 * Tells failures worth retrying (throttling, an unavailable service, timeouts, broken or refused
 * connections) from those that will not go away by themselves (rejected credentials, missing
 * permissions, unknown names, a missing role or database).
 */
final class Failures {

	// The status the Databricks SDK gives an I/O failure it wraps.
	private static final int SDK_IO_ERROR = 523;

	// PostgreSQL: the server is shutting down, restarting or starting; too many connections.
	private static final Set<String> TRANSIENT_SQL_STATES = Set.of("57P01", "57P02", "57P03", "53300", "53400");

	// PgJDBC reports a server certificate naming another host with this message only (SQL state 08006).
	static final String HOSTNAME_NOT_VERIFIED = "could not be verified by hostnameverifier";

	private Failures() {
	}

	/**
	 * Returns whether a failure is worth retrying. The deepest cause that says anything decides:
	 * a login wrapping a rejected workspace call is as permanent as the rejection.
	 * @param failure the failure
	 * @return whether a retry may succeed
	 */
	static boolean isTransient(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		for (int i = chain.size() - 1; i >= 0; i--) {
			Throwable cause = chain.get(i);
			if (cause instanceof LakebaseConfigurationException) {
				return false;
			}
			if (cause instanceof UnknownHostException) {
				// A name that does not resolve is a typo far more often than a DNS hiccup.
				return false;
			}
			if (cause instanceof GeneralSecurityException || cause instanceof FileNotFoundException) {
				// A certificate that does not verify, a root certificate file missing or unusable: the
				// TLS handshake wrapping it is an IOException, but no retry changes a certificate.
				return false;
			}
			if (cause instanceof SQLException sql && String.valueOf(sql.getMessage()).contains(HOSTNAME_NOT_VERIFIED)) {
				return false;
			}
			if (cause instanceof IOException || cause instanceof TimeoutException) {
				return true;
			}
			if (cause instanceof DatabricksError error) {
				int status = error.getStatusCode();
				return status == 429 || status == SDK_IO_ERROR || (status >= 500 && status != 501);
			}
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				return state.startsWith("08") || TRANSIENT_SQL_STATES.contains(state);
			}
		}
		return false;
	}

	/**
	 * Returns the first failure of a type in a cause chain.
	 * @param <T> the type
	 * @param failure the outermost failure
	 * @param type the type to look for
	 * @return the failure, or {@code null}
	 */
	static <T extends Throwable> @Nullable T find(@Nullable Throwable failure, Class<T> type) {
		return find(failure, type, (cause) -> true);
	}

	/**
	 * Returns the first failure of a type in a cause chain that matches a condition.
	 * @param <T> the type
	 * @param failure the outermost failure
	 * @param type the type to look for
	 * @param matching the condition
	 * @return the failure, or {@code null}
	 */
	static <T extends Throwable> @Nullable T find(@Nullable Throwable failure, Class<T> type,
			Predicate<? super T> matching) {
		// A cause chain may loop (A caused by B caused by A): each cause is looked at once.
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
			if (type.isInstance(cause) && matching.test(type.cast(cause))) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/**
	 * Returns the deepest cause of a failure, whose message is usually the most specific.
	 * @param failure the failure
	 * @return the deepest cause, the failure itself when it has none
	 */
	static Throwable deepest(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable deepest = failure;
		seen.add(deepest);
		while (deepest.getCause() != null && seen.add(deepest.getCause())) {
			deepest = deepest.getCause();
		}
		return deepest;
	}

	/**
	 * Describes a failure in one line: its type and message, without the configuration dump the
	 * Databricks SDK appends (which is noise in a log line or a report).
	 * @param failure the failure
	 * @return the description
	 */
	static String describe(Throwable failure) {
		String message = failure.getMessage();
		if (message == null) {
			return failure.getClass().getSimpleName();
		}
		int config = message.indexOf(". Config: ");
		return failure.getClass().getSimpleName() + ": " + ((config >= 0) ? message.substring(0, config) : message);
	}

}
