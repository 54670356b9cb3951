package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a connection can be opened, before a pool uses it: resolves the connection, obtains a
 * credential and logs in once. Transient failures (throttling, an unavailable service, timeouts,
 * refused connections) are retried with jittered backoff until the timeout, every wait bounded by
 * what is left of it; other failures end the check at once. A function over the pipeline's pieces:
 * it keeps no state.
 *
 * @since 0.1.0
 */
public final class LakebaseStartupCheck {

	/**
	 * Says, when the pooler refused a login, that it may not accept OAuth roles: Lakebase's
	 * documentation of that has differed between editions.
	 */
	private static void explainRefusedPooler(LakebaseConnectionInfo connection, SQLException refusal) {
		String state = refusal.getSQLState();
		if (!connection.settings().pooled() || state == null || !state.startsWith("28")) {
			return;
		}
		throw new LakebaseConfigurationException("pooled", "true", "The pooled (PgBouncer) host " + connection.host()
				+ " of " + connection.target() + " refused the login of role '" + connection.username() + "' (SQLSTATE "
				+ state + ": " + refusal.getMessage() + ")", "Remove pooled=true (lakebase.pooled) to connect to the "
						+ "compute itself. If that login works, this workspace's pooler does not accept OAuth roles yet.");
	}

	private static final Logger logger = LoggerFactory.getLogger(LakebaseStartupCheck.class);

	static final Duration MIN_RETRY_DELAY = Duration.ofSeconds(1);

	static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

	/** How long the check keeps retrying transient failures, by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	// How long the lookup that explains a refused configured host may take.
	private static final Duration EXPLANATION_TIMEOUT = Duration.ofSeconds(5);

	private final LongSupplier nanoClock;

	private final Sleeper sleeper;

	private LakebaseStartupCheck(LongSupplier nanoClock, Sleeper sleeper) {
		this.nanoClock = nanoClock;
		this.sleeper = sleeper;
	}

	/**
	 * Checks that the login data source can open a connection.
	 * @param logins the login data source
	 * @param timeout how long to keep retrying transient failures, the longest the check takes
	 * @return the resolved connection
	 * @throws LakebaseWorkspaceException when the workspace cannot resolve the connection or issue
	 * a credential in time
	 * @throws LakebaseConnectionException when the login fails
	 * @throws LakebaseConfigurationException when the configuration cannot work
	 */
	public static LakebaseConnectionInfo verify(LakebaseLoginDataSource logins, Duration timeout) {
		return new LakebaseStartupCheck(System::nanoTime, (nanos) -> TimeUnit.NANOSECONDS.sleep(nanos)).run(logins,
				timeout);
	}

	// For tests on simulated time.
	static LakebaseStartupCheck withClock(LongSupplier nanoClock, Sleeper sleeper) {
		return new LakebaseStartupCheck(nanoClock, sleeper);
	}

	LakebaseConnectionInfo run(LakebaseLoginDataSource logins, Duration timeout) {
		long deadline = this.nanoClock.getAsLong() + timeout.toNanos();
		LakebaseResolver resolver = logins.resolver();
		LakebaseConnectionInfo connection;
		try {
			connection = retrying(deadline, () -> resolver.resolve(left(deadline)));
		}
		catch (LakebaseWorkspaceException ex) {
			if (Failures.find(ex, TimeoutException.class) == null) {
				throw ex;
			}
			// Named by the check's own timeout, not by what was left of it at the last try.
			throw resolver.workspaceFailure("Could not look up " + resolver.target() + " within " + timeout
					+ ": the workspace has not answered (it may be throttling; the lookup goes on in the background)",
					ex.getCause());
		}
		try {
			logins.credentials().get(left(deadline));
		}
		catch (LakebaseCredentialException ex) {
			String lastError = logins.credentials().status().lastError();
			String why = (lastError != null) ? "the last attempt failed: " + lastError
					: "the credential API has not answered yet";
			throw resolver.workspaceFailure("Could not obtain a database credential for " + resolver.target().name()
					+ " within " + timeout + ": " + why, ex);
		}
		try {
			retrying(deadline, () -> {
				try (Connection opened = logins.probeConnection(left(deadline))) {
					return opened;
				}
			});
			return connection;
		}
		catch (SQLException ex) {
			resolver.explainRefusedHost(EXPLANATION_TIMEOUT);
			explainRefusedPooler(connection, ex);
			throw new LakebaseConnectionException(connection, ex);
		}
	}

	private Duration left(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - this.nanoClock.getAsLong()));
	}

	/**
	 * Runs an attempt until it succeeds, fails for good, or the deadline leaves no time for
	 * another try after the backoff.
	 */
	@SuppressWarnings("unchecked")
	private <T, E extends Exception> T retrying(long deadline, Attempt<T, E> attempt) throws E {
		for (int failures = 1;; failures++) {
			try {
				return attempt.run();
			}
			catch (Exception ex) {
				long delay = delayNanos(failures, ThreadLocalRandom.current().nextDouble());
				long left = deadline - this.nanoClock.getAsLong();
				if (!Failures.isTransient(ex) || left - delay < 0 || !sleep(delay)) {
					// Only what attempt.run() declares, or unchecked, can be caught here.
					if (ex instanceof RuntimeException runtime) {
						throw runtime;
					}
					throw (E) ex;
				}
				logger.info("Lakebase is not reachable yet ({}); retrying for up to {} s more",
						Failures.describe(ex), TimeUnit.NANOSECONDS.toSeconds(left - delay));
			}
		}
	}

	// Doubling from a second up to five, with equal jitter: instances started together spread out.
	static long delayNanos(int failures, double random) {
		long base = Math.min(MIN_RETRY_DELAY.toNanos() << Math.min(failures - 1, 10), MAX_RETRY_DELAY.toNanos());
		return Math.max(MIN_RETRY_DELAY.toNanos(), base / 2 + (long) (random * (base / 2)));
	}

	private boolean sleep(long nanos) {
		try {
			this.sleeper.sleep(nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@FunctionalInterface
	private interface Attempt<T, E extends Exception> {

		T run() throws E;

	}

	/**
	 * Waits, in tests on simulated time.
	 */
	@FunctionalInterface
	interface Sleeper {

		void sleep(long nanos) throws InterruptedException;

	}

}
