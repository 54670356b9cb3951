package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to one Lakebase endpoint or instance: resolves the host and role (explicitly, once),
 * keeps a credential ahead of need, opens physical connections through a login
 * {@link DataSource} that a pool sits on, checks at startup that all of it works, and says
 * whether a new connection can be opened now.
 * <p>
 * Nothing here calls the workspace until a connection, {@link #resolve()}, {@link #verify} or
 * {@link #health} needs it.
 *
 * @since 0.1.0
 */
public final class LakebaseConnector implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseConnector.class);

	/** The host in {@link #jdbcUrl()} while the real one is not discovered yet (an unresolvable name). */
	public static final String UNDISCOVERED_HOST = "host-discovered-at-first-connection.invalid";

	/** The HTTP timeout of the workspace clients the connector creates. */
	public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);

	static final Duration RESOLVE_RETRY_SPACING = Duration.ofSeconds(1);

	static final Duration PROBE_SPACING = Duration.ofSeconds(1);

	private static final Duration MAX_STARTUP_BACKOFF = Duration.ofSeconds(5);

	private final LakebaseConnectionSettings settings;

	private final LakebaseCredentialCache credentials;

	private final boolean ownsCredentials;

	private final LakebaseDiscovery discovery;

	private final LoginDataSource dataSource;

	private final Object resolveLock = new Object();

	private volatile @Nullable LakebaseConnectionInfo resolved;

	private @Nullable RuntimeException resolveFailure;

	private long resolveFailedAt;

	private volatile @Nullable LakebaseLoginOutcome lastLogin;

	private final AtomicBoolean connectedOnce = new AtomicBoolean();

	private final Object probeLock = new Object();

	private @Nullable CompletableFuture<Void> probe;

	private long probeStartedAt;

	private @Nullable ExecutorService probeThread;

	private volatile boolean closed;

	private LakebaseConnector(Builder builder, Supplier<WorkspaceClient> workspaceClient,
			LakebaseCredentialCache credentials, boolean ownsCredentials) {
		this.settings = builder.settings;
		this.credentials = credentials;
		this.ownsCredentials = ownsCredentials;
		this.discovery = new LakebaseDiscovery(workspaceClient, builder.settings.target());
		this.dataSource = new LoginDataSource(this, new Properties());
	}

	/**
	 * Creates a Databricks workspace client for Lakebase: a 10-second HTTP timeout unless the
	 * configuration sets one (the SDK waits 300 s, far too long on a connection path), request
	 * headers and tokens kept out of DEBUG logs whatever the SDK's own debug settings, and a
	 * workspace URL that must be {@code https} (plain {@code http} only to a loopback address).
	 * Building a client already calls the workspace (its host metadata, unauthenticated); unset
	 * values come from the SDK's default chain ({@code DATABRICKS_*} variables, then
	 * {@code ~/.databrickscfg}).
	 * @param config the client configuration
	 * @param target the endpoint or instance, for the failure report
	 * @return the client
	 * @throws LakebaseWorkspaceException when the configuration cannot make a client
	 * @throws LakebaseConfigurationException when the workspace URL is plain {@code http} to a
	 * remote host
	 */
	public static WorkspaceClient createWorkspaceClient(DatabricksConfig config, LakebaseTarget target) {
		if (config.getHttpTimeoutSeconds() == null) {
			config.setHttpTimeoutSeconds((int) DEFAULT_HTTP_TIMEOUT.toSeconds());
		}
		// Explicit, so that DATABRICKS_DEBUG_HEADERS cannot put bearer tokens into DEBUG logs.
		config.setDebugHeaders(false);
		// And DATABRICKS_DEBUG_TRUNCATE_BYTES cannot put whole tokens of response bodies there.
		config.setHttpClient(new SecretRedactingHttpClient(config));
		// A URL set here is refused before the SDK's first (unauthenticated) request to it.
		WorkspaceUrls.requireSecure(config);
		WorkspaceClient client;
		try {
			client = new WorkspaceClient(config);
		}
		catch (RuntimeException ex) {
			// The SDK has resolved the configuration (environment, ~/.databrickscfg) by now.
			String message = (config.getHost() == null)
					? "No Databricks workspace URL is configured: set the client configuration's host, "
							+ "DATABRICKS_HOST, or a ~/.databrickscfg profile with a host"
					: "Could not configure the Databricks workspace client: " + ex.getMessage();
			throw LakebaseWorkspaceException.of(config, target, message, ex);
		}
		// Resolved, and no authenticated request made yet: the SDK authenticates at the first call.
		WorkspaceUrls.requireSecure(config);
		return client;
	}

	/**
	 * Starts a connector for the given settings.
	 * @param settings where and how to connect
	 * @return a builder
	 */
	public static Builder builder(LakebaseConnectionSettings settings) {
		return new Builder(settings);
	}

	/**
	 * Returns the settings.
	 * @return the settings
	 */
	public LakebaseConnectionSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the credential cache logins use.
	 * @return the cache
	 */
	public LakebaseCredentialCache credentials() {
		return this.credentials;
	}

	/**
	 * Returns the unpooled login data source: each {@code getConnection()} opens one physical
	 * connection with the current credential. Put a pool on it.
	 * @return the login data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Returns a login data source that also passes the given PgJDBC properties (such as
	 * {@code socketTimeout} or {@code ApplicationName}) at each login. The properties are read
	 * at each login, so that a pool's {@code dataSourceProperties} bound after this call count.
	 * @param driverProperties the properties
	 * @return the login data source
	 */
	public DataSource dataSource(Properties driverProperties) {
		return new LoginDataSource(this, driverProperties);
	}

	/**
	 * Resolves the host and role, on the first call: looks up the endpoint or instance unless a
	 * host is configured, and the current user unless the identity is a service principal (its
	 * role is its client id) or a role is configured. Later calls return the same description; a
	 * failure is retried by the next call at least a second later.
	 * @return the resolved connection
	 * @throws LakebaseWorkspaceException when the workspace cannot tell
	 * @throws LakebaseConfigurationException when the target or the role cannot work
	 */
	public LakebaseConnectionInfo resolve() {
		LakebaseConnectionInfo connection = this.resolved;
		if (connection != null) {
			return connection;
		}
		synchronized (this.resolveLock) {
			if (this.resolved != null) {
				return this.resolved;
			}
			long now = System.nanoTime();
			if (this.resolveFailure != null && now - this.resolveFailedAt < RESOLVE_RETRY_SPACING.toNanos()) {
				// Pool threads retry quickly: do not call the workspace once per retry.
				throw this.resolveFailure;
			}
			try {
				connection = this.discovery.resolve(this.settings);
				this.resolved = connection;
				this.resolveFailure = null;
				return connection;
			}
			catch (RuntimeException ex) {
				this.resolveFailure = ex;
				this.resolveFailedAt = now;
				throw ex;
			}
		}
	}

	/**
	 * Returns the resolved connection, without resolving it.
	 * @return the connection, once resolved
	 */
	public Optional<LakebaseConnectionInfo> resolved() {
		return Optional.ofNullable(this.resolved);
	}

	/**
	 * Returns the role logins use, without resolving it.
	 * @return the resolved role, else the configured one, else {@code null}
	 */
	public @Nullable String username() {
		LakebaseConnectionInfo connection = this.resolved;
		return (connection != null) ? connection.username() : this.settings.username();
	}

	/**
	 * Returns the JDBC URL of the connection, for pools and diagnostics that want one: the
	 * resolved one, else one with the configured host, else one with {@link #UNDISCOVERED_HOST}.
	 * Connections are always opened with the resolved URL.
	 * @return the JDBC URL, without user or password
	 */
	public String jdbcUrl() {
		LakebaseConnectionInfo connection = this.resolved;
		if (connection != null) {
			return connection.jdbcUrl();
		}
		String host = this.settings.host();
		return LakebaseConnectionInfo.jdbcUrl(this.settings, (host != null) ? host : UNDISCOVERED_HOST);
	}

	/**
	 * Checks that a connection can be opened: resolves the connection, obtains a credential and
	 * logs in once. Transient failures (throttling, an unavailable service, timeouts, refused
	 * connections) are retried with jittered backoff until the timeout; others fail at once.
	 * @param timeout how long to keep retrying transient failures
	 * @return the resolved connection
	 * @throws LakebaseWorkspaceException when the workspace cannot resolve the connection or
	 * issue a credential
	 * @throws LakebaseConnectionException when the login fails
	 * @throws LakebaseConfigurationException when the configuration cannot work
	 */
	public LakebaseConnectionInfo verify(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		LakebaseConnectionInfo connection = retrying(deadline, this::resolve);
		try {
			this.credentials.get(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		catch (LakebaseCredentialException ex) {
			String lastError = this.credentials.status().lastError();
			String why = (lastError != null) ? "the last attempt failed: " + lastError
					: "the credential API has not answered yet";
			throw this.discovery.workspaceFailure("Could not obtain a database credential for "
					+ this.settings.target().name() + " within " + timeout + ": " + why, ex);
		}
		try {
			retrying(deadline, () -> {
				try (Connection opened = this.dataSource.getConnection()) {
					return opened;
				}
			});
			return connection;
		}
		catch (SQLException ex) {
			String host = this.settings.host();
			if (host != null) {
				this.discovery.explainRefusedHost(host);
			}
			throw new LakebaseConnectionException(connection, ex);
		}
	}

	/**
	 * Tells whether a new connection can be opened now, within the timeout, without a physical
	 * login in steady state: the verdict rests on the pool's own latest login and on the cached
	 * credential. Only when there is no login yet, or the latest one failed, does it log in itself,
	 * at most once a second, so that it notices a recovery by itself.
	 * @param timeout how long to wait at most
	 * @return the health
	 */
	public LakebaseHealth health(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String error = null;
		if (!this.credentials.status().usable()) {
			try {
				this.credentials.get(timeout);
			}
			catch (LakebaseCredentialException ex) {
				error = ex.getMessage();
			}
		}
		LakebaseLoginOutcome login = this.lastLogin;
		if (error == null && (login == null || !login.succeeded())) {
			login = probe(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			if (login == null) {
				error = "No login to Lakebase completed within " + timeout;
			}
			else if (!login.succeeded()) {
				error = login.error();
			}
		}
		return new LakebaseHealth(error == null, error, this.settings.target(), this.resolved,
				this.credentials.status(), login);
	}

	/**
	 * Returns how the latest attempt to open a physical connection ended.
	 * @return the outcome, once there was an attempt
	 */
	public Optional<LakebaseLoginOutcome> lastLogin() {
		return Optional.ofNullable(this.lastLogin);
	}

	/**
	 * Stops the health probe and, when the connector built it, the credential cache.
	 */
	@Override
	public void close() {
		this.closed = true;
		synchronized (this.probeLock) {
			if (this.probeThread != null) {
				this.probeThread.shutdownNow();
			}
		}
		if (this.ownsCredentials) {
			this.credentials.close();
		}
	}

	@Override
	public String toString() {
		return "LakebaseConnector[" + this.settings.target() + "]";
	}

	/**
	 * Records how a login attempt ended; the first success is logged once at INFO.
	 * @param failure the failure, or {@code null} for a success
	 */
	void loggedIn(@Nullable SQLException failure) {
		if (failure != null) {
			loginFailed(failure.getSQLState(), failure.getMessage());
		}
		else {
			loginSucceeded();
		}
	}

	/**
	 * Records a failed login made outside the login data source (by an R2DBC driver, say), for
	 * {@link #health}.
	 * @param sqlState the failure's SQL state, or {@code null}
	 * @param error the failure's message, never holding a secret
	 */
	public void loginFailed(@Nullable String sqlState, @Nullable String error) {
		this.lastLogin = new LakebaseLoginOutcome(Instant.now(), false, sqlState, error);
	}

	/**
	 * Records a successful login made outside the login data source (by an R2DBC driver, say), for
	 * {@link #health}; the first success is logged once at INFO.
	 */
	public void loginSucceeded() {
		this.lastLogin = new LakebaseLoginOutcome(Instant.now(), true, null, null);
		LakebaseConnectionInfo connection = this.resolved;
		if (connection != null && this.connectedOnce.compareAndSet(false, true)) {
			LakebaseCredentialStatus credential = this.credentials.status();
			logger.info("Connected to Lakebase {} {} at {}:{}/{} as {} (credential expires at {})",
					connection.target().flavour().displayName(), connection.target(), connection.host(),
					connection.port(), connection.database(), connection.username(), credential.expiresAt());
		}
	}

	private @Nullable LakebaseLoginOutcome probe(Duration wait) {
		CompletableFuture<Void> running;
		synchronized (this.probeLock) {
			if (this.closed) {
				return this.lastLogin;
			}
			running = this.probe;
			if (running == null || running.isDone()) {
				long now = System.nanoTime();
				if (running != null && now - this.probeStartedAt < PROBE_SPACING.toNanos()) {
					return this.lastLogin;
				}
				if (this.probeThread == null) {
					this.probeThread = Executors.newSingleThreadExecutor((task) -> {
						Thread thread = new Thread(task, "lakebase-health-probe");
						thread.setDaemon(true);
						return thread;
					});
				}
				this.probeStartedAt = now;
				running = CompletableFuture.runAsync(this::probeLogin, this.probeThread);
				this.probe = running;
			}
		}
		try {
			running.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// The outcome, if any, is recorded by the login itself.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return this.lastLogin;
	}

	private void probeLogin() {
		try (Connection connection = this.dataSource.getConnection()) {
			// Logged in: the outcome is recorded.
		}
		catch (SQLException | RuntimeException ex) {
			// Recorded by the login data source.
		}
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
				long delay = Math.max(RESOLVE_RETRY_SPACING.toNanos(), Backoff.delayNanos(failures,
						MAX_STARTUP_BACKOFF, ThreadLocalRandom.current().nextDouble()));
				long left = deadline - System.nanoTime();
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

	private static boolean sleep(long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
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
	 * Builds a {@link LakebaseConnector}.
	 */
	public static final class Builder {

		private final LakebaseConnectionSettings settings;

		private @Nullable Supplier<WorkspaceClient> workspaceClient;

		private @Nullable LakebaseCredentialCache credentials;

		private Duration credentialTtl = LakebaseCredentialSource.MAXIMUM_LIFETIME;

		private Duration refreshBefore = Duration.ofMinutes(5);

		private Duration fetchTimeout = Duration.ofSeconds(10);

		private final List<LakebaseCredentialListener> listeners = new ArrayList<>();

		private Builder(LakebaseConnectionSettings settings) {
			this.settings = Objects.requireNonNull(settings, "settings");
		}

		/**
		 * Sets the workspace client to look up the target and obtain credentials with.
		 * @param workspaceClient the client
		 * @return this
		 */
		public Builder workspaceClient(WorkspaceClient workspaceClient) {
			Objects.requireNonNull(workspaceClient, "workspaceClient");
			this.workspaceClient = () -> workspaceClient;
			return this;
		}

		/**
		 * Sets where the workspace client comes from, asked for only when the workspace is first
		 * needed, so that building the connector makes no network call.
		 * @param workspaceClient the supplier of the client
		 * @return this
		 */
		public Builder workspaceClient(Supplier<WorkspaceClient> workspaceClient) {
			this.workspaceClient = Objects.requireNonNull(workspaceClient, "workspaceClient");
			return this;
		}

		/**
		 * Uses a credential cache of the caller's (shared with other connectors of the same
		 * identity, say), which the connector then does not close. Without one, the connector
		 * builds and owns its own.
		 * @param credentials the cache
		 * @return this
		 */
		public Builder credentials(LakebaseCredentialCache credentials) {
			this.credentials = Objects.requireNonNull(credentials, "credentials");
			return this;
		}

		/**
		 * Sets the lifetime to request for each credential (Autoscaling only; default one hour).
		 * @param ttl the lifetime, 5 minutes to 1 hour
		 * @return this
		 */
		public Builder credentialTtl(Duration ttl) {
			this.credentialTtl = Objects.requireNonNull(ttl, "ttl");
			return this;
		}

		/**
		 * Sets how long before expiry to refresh the credential (default 5 minutes).
		 * @param refreshBefore the refresh window
		 * @return this
		 */
		public Builder refreshBefore(Duration refreshBefore) {
			this.refreshBefore = Objects.requireNonNull(refreshBefore, "refreshBefore");
			return this;
		}

		/**
		 * Sets how long one credential API call may take and a login waits for a credential
		 * (default 10 seconds).
		 * @param fetchTimeout the timeout
		 * @return this
		 */
		public Builder fetchTimeout(Duration fetchTimeout) {
			this.fetchTimeout = Objects.requireNonNull(fetchTimeout, "fetchTimeout");
			return this;
		}

		/**
		 * Adds a listener to every call of the credential API (for metrics).
		 * @param listener the listener
		 * @return this
		 */
		public Builder listener(LakebaseCredentialListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Builds the connector. No network call is made.
		 * @return the connector
		 */
		public LakebaseConnector build() {
			Supplier<WorkspaceClient> supplier = this.workspaceClient;
			if (supplier == null) {
				throw new IllegalStateException("A workspace client is required");
			}
			LakebaseCredentialCache cache = this.credentials;
			if (cache != null) {
				return new LakebaseConnector(this, supplier, cache, false);
			}
			cache = LakebaseCredentialCache
				.builder(LakebaseCredentialSource.forTarget(this.settings.target(), supplier, this.credentialTtl))
				.refreshBefore(this.refreshBefore)
				.fetchTimeout(this.fetchTimeout)
				.listeners(this.listeners)
				.build();
			return new LakebaseConnector(this, supplier, cache, true);
		}

	}

}
