package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Connections on behalf of users: each user's queries run under their own Postgres role, so that
 * grants and row-level security apply per person. Given a user's Databricks token (the Databricks
 * Apps {@code X-Forwarded-Access-Token}, say), it asks the workspace whom the token belongs to,
 * mints that user's database credential with their token (one call per credential lifetime,
 * refreshed with the newest token the user presented) and lends a connection from that user's own
 * small pool. It fails closed: without a token, with one the workspace rejects, or for a user
 * without a Postgres role, the caller gets a {@link LakebaseUserAccessException} and no
 * connection, never one of the application's identity.
 * <ul>
 * <li>Each user's pool is created once, atomically, on their first request; it keeps no idle
 * minimum and closes, with its credential refresh, once the user has been idle for the idle
 * timeout, so that what is kept for a user who left is gone after it.</li>
 * <li>At most {@code maxUsers} users are pooled: the least recently used is evicted beyond that;
 * at most {@code maxConnections} connections are open across all users: idle ones of other users
 * are closed first when a login needs room. An evicted pool closes when its connections are
 * returned, never under a request.</li>
 * <li>Tokens are kept only as the newest token of a pooled user, and identities by a keyed
 * fingerprint of the token; neither appears in a log, a message or {@link #toString()}.</li>
 * </ul>
 *
 * <pre class="code">
 * LakebaseUserPools users = LakebaseUserPools.builder(resolver, workspaceClient).build();
 * try (Connection connection = users.getConnection(request.getHeader("X-Forwarded-Access-Token"))) {
 *     // SELECT current_user is the signed-in user's email
 * }
 * </pre>
 *
 * @since 0.1.0
 */
public final class LakebaseUserPools implements AutoCloseable {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(LakebaseUserPools.class);

	/** Connections one user's pool holds at most, by default. */
	public static final int DEFAULT_MAX_POOL_SIZE = 3;

	/** Users pooled at once at most, by default. */
	public static final int DEFAULT_MAX_USERS = 100;

	/** Connections open across all users at most, by default (Lakebase allows about 209 per CU). */
	public static final int DEFAULT_MAX_CONNECTIONS = 50;

	/** How long a user's pool stays without a request before it is closed, by default. */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

	/** How long a request waits for a connection of its user, by default. */
	public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

	// A service principal's workspace user name is its application id, a UUID; a user's is an email.
	private static final Pattern SERVICE_PRINCIPAL_NAME = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	// How long a user whose login Lakebase refused (no role, say) gets the same 403 without a login.
	static final Duration REFUSAL_MEMORY = Duration.ofSeconds(10);

	// Hikari's floor for a connection's idle timeout.
	private static final Duration MIN_CONNECTION_IDLE_TIMEOUT = Duration.ofSeconds(10);

	// Well within the pools' 45-minute maxLifetime, beyond which Hikari ignores an idle timeout.
	private static final Duration MAX_CONNECTION_IDLE_TIMEOUT = Duration.ofMinutes(10);

	private final LakebaseResolver resolver;

	private final Supplier<WorkspaceClient> workspaceClient;

	private final Builder settings;

	private final AtomicReference<@Nullable UserWorkspaceClients> userClients = new AtomicReference<>();

	private final UserIdentities identities;

	private final Map<String, UserPool> pools = new ConcurrentHashMap<>();

	// Guards making a pool and the eviction that makes room for it (no I/O under it).
	private final Object creation = new Object();

	// Pools retired while in use: each closes when no longer in use (at its last release, or at a sweep).
	private final Set<UserPool> retiring = ConcurrentHashMap.newKeySet();

	private final Semaphore connectionPermits;

	private final ScheduledThreadPoolExecutor housekeeping;

	private final ExecutorService closer;

	private final ThreadPoolExecutor lookups;

	private final CacheScheduler credentialScheduler;

	private final ScheduledFuture<?> sweep;

	private final AtomicInteger poolNumbers = new AtomicInteger();

	private final LongAdder credentialCalls = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private volatile boolean closed;

	private LakebaseUserPools(Builder builder) {
		this.resolver = builder.resolver;
		this.workspaceClient = builder.workspaceClient;
		this.settings = builder;
		this.connectionPermits = new Semaphore(builder.maxConnections, true);
		this.housekeeping = new ScheduledThreadPoolExecutor(1,
				CacheScheduler.daemonThreads("lakebase-user-pools"));
		// Hikari's rule for a shared housekeeping executor; also drops a cancelled sweep at close.
		this.housekeeping.setRemoveOnCancelPolicy(true);
		this.closer = Executors
			.newSingleThreadExecutor(CacheScheduler.daemonThreads("lakebase-user-pool-close"));
		// A burst of new users (after a deploy, say) queues rather than fails; each lookup is bounded
		// by the HTTP timeout, without retries.
		this.lookups = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
				CacheScheduler.daemonThreads("lakebase-user-lookup"));
		this.lookups.allowCoreThreadTimeOut(true);
		this.credentialScheduler = CacheScheduler.system();
		this.identities = new UserIdentities((token) -> userClients().client(token), new UserTokens(),
				builder.connectionTimeout, builder.idleTimeout, this.lookups, System::nanoTime, Instant::now);
		long sweepMillis = Math.max(250, Math.min(builder.idleTimeout.toMillis() / 4, 30_000));
		this.sweep = this.housekeeping.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts configuring user pools on the application's Lakebase connection: the same endpoint or
	 * instance, host, database and TLS, each user logging in as their own role.
	 * @param resolver the application's connection (its host is resolved once, as the application)
	 * @param workspaceClient the application's workspace client: its workspace, timeouts and proxy
	 * serve the users' calls, never its credentials
	 * @return a builder
	 */
	public static Builder builder(LakebaseResolver resolver, Supplier<WorkspaceClient> workspaceClient) {
		return new Builder(resolver, workspaceClient);
	}

	/**
	 * Lends a connection logged in as the user a Databricks token belongs to.
	 * @param userToken the user's Databricks token (OAuth access token or personal access token)
	 * @return a connection of the user's pool; closing it returns it there
	 * @throws LakebaseUserAccessException when the token is missing, expired or rejected, or the
	 * user may not log in (401 or 403 to a web caller)
	 * @throws SQLException when the workspace or the database cannot be reached in time
	 */
	public Connection getConnection(@Nullable String userToken) throws SQLException {
		if (this.closed) {
			throw new SQLException("The Lakebase user pools are closed", "08003");
		}
		String userName = this.identities.userName(userToken);
		// Both resolved once, before the creation lock, under which nothing calls out.
		LakebaseConnectionInfo application;
		UserWorkspaceClients clients;
		try {
			application = this.resolver.resolve(this.settings.connectionTimeout);
			clients = userClients();
		}
		catch (RuntimeException ex) {
			throw new SQLException(ex.getMessage(), "08001", ex);
		}
		refuseNonUsers(userName, application);
		while (true) {
			UserPool existing = this.pools.get(userName);
			UserPool pool = (existing != null) ? existing : pooled(userName, userToken, application, clients);
			if (!pool.lease(System.nanoTime())) {
				// Retired between the lookup and the lease: a new pool takes its place.
				this.pools.remove(userName, pool);
				continue;
			}
			boolean held = false;
			try {
				pool.present(userToken);
				LakebaseUserAccessException refused = pool.recentRefusal(System.nanoTime(), REFUSAL_MEMORY);
				if (refused != null) {
					throw new LakebaseUserAccessException(refused.getReason(), refused.getMessage(), refused);
				}
				Connection connection = pool.borrow(this.settings.connectionTimeout);
				held = true;
				return OnCloseConnection.wrap(connection, () -> pool.release(System.nanoTime()));
			}
			catch (SQLException | RuntimeException ex) {
				SQLException failure = loginFailure(ex, userName);
				// A refused role is the user's, whatever token they present next; a rejected token is not.
				if (failure instanceof LakebaseUserAccessException refused
						&& refused.getReason() == LakebaseUserAccessException.Reason.FORBIDDEN
						&& !(refused.getCause() instanceof LakebaseUserAccessException)) {
					pool.refused(refused, System.nanoTime());
				}
				throw failure;
			}
			finally {
				// In every case, an Error included: a lease whose borrow failed ends here.
				pool.borrowed(held, System.nanoTime());
				if (this.closed) {
					// Closed while this request made or used the pool: it must not outlive them.
					closeLater(pool);
				}
			}
		}
	}

	/**
	 * Returns a data source whose connections are those of the user whose token the supplier
	 * gives at each {@code getConnection()}, such as the current request's.
	 * @param currentUserToken the current user's token
	 * @return the data source
	 */
	public LakebaseUserDataSource dataSource(LakebaseUserTokenSource currentUserToken) {
		return new LakebaseUserDataSource(this, currentUserToken);
	}

	/**
	 * Returns counts for metrics and health, without any per-user detail.
	 * @return the status
	 */
	public Status status() {
		return new Status(this.pools.size(), this.settings.maxConnections - this.connectionPermits.availablePermits(),
				this.identities.lookups(), this.credentialCalls.sum(), this.evictions.sum(), this.settings.maxUsers,
				this.settings.maxConnections);
	}

	/**
	 * Returns the application's connection the user pools connect like.
	 * @return the resolver
	 */
	public LakebaseResolver resolver() {
		return this.resolver;
	}

	/**
	 * Closes every user's pool and credential refresh at once, and refuses later connections.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.sweep.cancel(false);
		for (UserPool pool : this.pools.values()) {
			this.pools.remove(pool.userName(), pool);
			pool.close();
		}
		this.retiring.forEach(UserPool::close);
		this.retiring.clear();
		this.closer.shutdown();
		try {
			this.closer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.housekeeping.shutdownNow();
		this.lookups.shutdownNow();
		this.credentialScheduler.shutdown();
		UserWorkspaceClients clients = this.userClients.get();
		if (clients != null) {
			clients.close();
		}
	}

	@Override
	public String toString() {
		return "LakebaseUserPools[" + this.resolver.target() + ", users=" + this.pools.size() + "]";
	}

	private UserWorkspaceClients userClients() {
		UserWorkspaceClients existing = this.userClients.get();
		if (existing != null) {
			return existing;
		}
		UserWorkspaceClients created = new UserWorkspaceClients(this.workspaceClient.get());
		return this.userClients.compareAndSet(null, created) ? created : this.userClients.get();
	}

	// Makes objects only, no call and no login: runs under the creation lock.
	private UserPool newPool(String userName, String firstToken, LakebaseConnectionInfo application,
			UserWorkspaceClients clients) {
		AtomicReference<String> token = new AtomicReference<>(firstToken);
		WorkspaceClient client = clients.client(token::get);
		LakebaseCredentialCache.Builder credentials = LakebaseCredentialCache
			.builder(LakebaseCredentialSource.forTarget(application.target(), () -> client,
					this.settings.credentialTtl))
			.scheduler(CacheScheduler.sharing(this.credentialScheduler))
			.listeners(java.util.List.of(new LakebaseCredentialListener() {

				@Override
				public void fetched(LakebaseCredential credential, Duration took) {
					LakebaseUserPools.this.credentialCalls.increment();
				}

				@Override
				public void fetchFailed(Throwable failure, Duration took) {
					LakebaseUserPools.this.credentialCalls.increment();
				}

			}));
		this.settings.credentials.accept(credentials);
		LakebaseCredentialCache cache = credentials.build();
		// The application's target, database and TLS, on the host it resolved, as the user's role.
		LakebaseConnectionSettings userSettings = LakebaseConnectionSettings.builder(application.target())
			.optionsFrom(application.settings())
			.host(application.host())
			.username(userName)
			.build();
		// Resolved already, as the application: no lookup, no thread of its own.
		LakebaseResolver userResolver = LakebaseResolver.of(
				new LakebaseConnectionInfo(userSettings, application.host(), userName), () -> client);
		// Quiet about its first connection: the role is a person's name, not for an INFO line.
		LakebaseLoginDataSource logins = new LakebaseLoginDataSource(userResolver, cache, new Properties(),
				Clock.systemUTC(), false);
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("lakebase-user-" + this.poolNumbers.incrementAndGet());
		pool.setMaximumPoolSize(this.settings.maxPoolSize);
		pool.setConnectionTimeout(this.settings.connectionTimeout.toMillis());
		// A connection idle that long closes even while its user is around; within Hikari's bounds.
		pool.setIdleTimeout(Math.min(MAX_CONNECTION_IDLE_TIMEOUT.toMillis(),
				Math.max(MIN_CONNECTION_IDLE_TIMEOUT.toMillis(), this.settings.idleTimeout.toMillis())));
		pool.setMaxLifetime(LakebaseDataSource.DEFAULT_MAX_LIFETIME.toMillis());
		this.settings.pool.accept(pool);
		// The first login starts the pool and fails at once when refused; its connection is kept.
		pool.setMinimumIdle(1);
		pool.setInitializationFailTimeout(1);
		pool.setScheduledExecutor(this.housekeeping);
		pool.setDataSource(new CappedLogins(logins));
		UserPool[] created = new UserPool[1];
		created[0] = new UserPool(userName, token, cache, logins, pool, () -> {
			try {
				// Off the request's thread: closing a pool waits for its connections to close.
				this.closer.execute(() -> created[0].close());
			}
			catch (RejectedExecutionException ex) {
				// The user pools are closed: a connection returned late closes its pool itself.
				created[0].close();
			}
		}, System.nanoTime());
		return created[0];
	}

	/**
	 * Returns the user's pool, made now if there is none, within the cap on users: the least
	 * recently used pool (one not in use, if any) is evicted first. Made under one lock, so that
	 * concurrent first requests of a user make one pool and concurrent new users never exceed the
	 * cap; the lock guards map operations and object creation only, never a call or a login.
	 */
	private UserPool pooled(String userName, String userToken, LakebaseConnectionInfo application,
			UserWorkspaceClients clients) {
		synchronized (this.creation) {
			UserPool pool = this.pools.get(userName);
			if (pool != null) {
				return pool;
			}
			while (this.pools.size() >= this.settings.maxUsers) {
				UserPool victim = UserPool.leastRecentlyUsed(this.pools.values(), null);
				if (victim == null || !this.pools.remove(victim.userName(), victim)) {
					break;
				}
				this.evictions.increment();
				retire(victim);
			}
			pool = newPool(userName, userToken, application, clients);
			this.pools.put(userName, pool);
			return pool;
		}
	}

	/**
	 * Refuses a token of the application's own identity or of any service principal: connections on
	 * behalf of users are a person's, and must never become the application's (a token exchange
	 * under a service principal's federation policy would turn every user into it).
	 */
	private static void refuseNonUsers(String userName, LakebaseConnectionInfo application) throws SQLException {
		if (userName.equals(application.username())) {
			throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.FORBIDDEN,
					"The token belongs to the application's own identity, not to a signed-in user");
		}
		if (SERVICE_PRINCIPAL_NAME.matcher(userName).matches()) {
			throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.FORBIDDEN,
					"The token belongs to a service principal (" + userName + "), not to a signed-in user");
		}
	}

	private void closeLater(UserPool pool) {
		this.pools.remove(pool.userName(), pool);
		pool.retire();
		if (!pool.closeIfRetiredAndUnused()) {
			this.retiring.add(pool);
		}
		this.retiring.removeIf(UserPool::closeIfRetiredAndUnused);
	}

	private void retire(UserPool pool) {
		pool.retire();
		if (!pool.closeIfRetiredAndUnused()) {
			this.retiring.add(pool);
			// Closed meanwhile by its last release: nothing left to wait for.
			if (pool.closeIfRetiredAndUnused()) {
				this.retiring.remove(pool);
			}
		}
	}

	// Called when a login needs a connection permit and none is free.
	private void closeIdleConnectionsOfOthers(LakebaseLoginDataSource except) {
		for (UserPool pool : this.pools.values()) {
			HikariPoolMXBean started = pool.pool().getHikariPoolMXBean();
			if (pool.logins() != except && !pool.isInUse() && started != null) {
				started.softEvictConnections();
			}
		}
	}

	private void sweep() {
		try {
			long now = System.nanoTime();
			for (UserPool pool : this.pools.values()) {
				if (pool.isIdle(now, this.settings.idleTimeout) && this.pools.remove(pool.userName(), pool)) {
					retire(pool);
				}
			}
			this.retiring.removeIf(UserPool::closeIfRetiredAndUnused);
			this.identities.prune();
		}
		catch (RuntimeException ex) {
			logger.warn("Lakebase user pools: sweeping idle pools failed", ex);
		}
	}

	private static SQLException loginFailure(Exception failure, String userName) {
		SQLException translated = UserIdentities.translate(failure);
		if (translated instanceof LakebaseUserAccessException) {
			return translated;
		}
		SQLException login = Failures.find(failure, SQLException.class,
				(sql) -> sql.getSQLState() != null && sql.getSQLState().startsWith("28"));
		if (login != null) {
			return new LakebaseUserAccessException(LakebaseUserAccessException.Reason.FORBIDDEN,
					"Lakebase refused the login of role '" + userName + "' (SQLSTATE " + login.getSQLState() + "): "
							+ login.getMessage() + ". The user needs a Postgres role: databricks_create_role('"
							+ userName + "', 'USER')",
					failure);
		}
		return translated;
	}

	/**
	 * A user's logins within the cap on connections across all users: a login takes a permit,
	 * which its physical connection gives back when the pool closes it.
	 */
	private final class CappedLogins implements DataSource {

		private final LakebaseLoginDataSource logins;

		CappedLogins(LakebaseLoginDataSource logins) {
			this.logins = logins;
		}

		@Override
		public Connection getConnection() throws SQLException {
			Semaphore permits = LakebaseUserPools.this.connectionPermits;
			if (!permits.tryAcquire()) {
				closeIdleConnectionsOfOthers(this.logins);
				try {
					if (!permits.tryAcquire(LakebaseUserPools.this.settings.connectionTimeout.toNanos(),
							TimeUnit.NANOSECONDS)) {
						throw new SQLTransientConnectionException("All " + LakebaseUserPools.this.settings.maxConnections
								+ " connections on behalf of users are in use", "08004");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SQLException("Interrupted while waiting for a connection permit", "08004", ex);
				}
			}
			boolean opened = false;
			try {
				Connection connection = OnCloseConnection.wrap(this.logins.getConnection(), permits::release);
				opened = true;
				return connection;
			}
			finally {
				if (!opened) {
					permits.release();
				}
			}
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		public int getLoginTimeout() {
			return this.logins.getLoginTimeout();
		}

		@Override
		public void setLoginTimeout(int seconds) {
			this.logins.setLoginTimeout(seconds);
		}

		@Override
		public @Nullable PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(@Nullable PrintWriter out) {
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			return this.logins.unwrap(type);
		}

		@Override
		public boolean isWrapperFor(Class<?> type) {
			return this.logins.isWrapperFor(type);
		}

	}

	/**
	 * Counts of the user pools, with no per-user detail.
	 *
	 * @param usersPooled users with a pool now
	 * @param connections connections open now across all users
	 * @param identityLookups lookups of the user a token belongs to, since start
	 * @param credentialCalls calls to the credential API with users' tokens, since start
	 * @param evictions pools evicted beyond the cap on users, since start
	 * @param maxUsers the cap on users pooled
	 * @param maxConnections the cap on connections
	 */
	public record Status(int usersPooled, int connections, long identityLookups, long credentialCalls, long evictions,
			int maxUsers, int maxConnections) {
	}

	/**
	 * Configures {@link LakebaseUserPools}.
	 */
	public static final class Builder {

		private final LakebaseResolver resolver;

		private final Supplier<WorkspaceClient> workspaceClient;

		private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;

		private int maxUsers = DEFAULT_MAX_USERS;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

		private Duration credentialTtl = LakebaseCredentialSource.MAXIMUM_LIFETIME;

		private Consumer<LakebaseCredentialCache.Builder> credentials = (builder) -> {
		};

		private Consumer<HikariConfig> pool = (config) -> {
		};

		private Builder(LakebaseResolver resolver, Supplier<WorkspaceClient> workspaceClient) {
			this.resolver = Objects.requireNonNull(resolver, "resolver");
			this.workspaceClient = Objects.requireNonNull(workspaceClient, "workspaceClient");
		}

		/**
		 * Sets how many connections one user's pool holds at most (default 3).
		 * @param maxPoolSize at least 1
		 * @return this
		 */
		public Builder maxPoolSize(int maxPoolSize) {
			this.maxPoolSize = atLeastOne(maxPoolSize, "on-behalf-of.max-pool-size");
			return this;
		}

		/**
		 * Sets how many users are pooled at once at most (default 100); the least recently used
		 * is evicted beyond it.
		 * @param maxUsers at least 1
		 * @return this
		 */
		public Builder maxUsers(int maxUsers) {
			this.maxUsers = atLeastOne(maxUsers, "on-behalf-of.max-users");
			return this;
		}

		/**
		 * Sets how many connections are open across all users at most (default 50).
		 * @param maxConnections at least 1
		 * @return this
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = atLeastOne(maxConnections, "on-behalf-of.max-connections");
			return this;
		}

		/**
		 * Sets how long a user's pool stays without a request before it is closed (default 5
		 * minutes).
		 * @param idleTimeout a positive duration
		 * @return this
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = LakebaseCredentialCache.Builder.positive(idleTimeout, "on-behalf-of.idle-timeout");
			return this;
		}

		/**
		 * Sets how long a request waits for its user's connection, and for the workspace to tell
		 * who the user is (default 10 seconds).
		 * @param connectionTimeout a positive duration
		 * @return this
		 */
		public Builder connectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = LakebaseCredentialCache.Builder.positive(connectionTimeout,
					"on-behalf-of.connection-timeout");
			return this;
		}

		/**
		 * Sets the lifetime to request for each user's credential (Autoscaling only; default one
		 * hour).
		 * @param ttl the lifetime, 5 minutes to 1 hour
		 * @return this
		 */
		public Builder credentialTtl(Duration ttl) {
			this.credentialTtl = Objects.requireNonNull(ttl, "ttl");
			return this;
		}

		/**
		 * Sets how each user's credentials are cached: refresh window, fetch timeout, listeners.
		 * @param credentials what to set on each user's cache
		 * @return this
		 */
		public Builder credentials(Consumer<LakebaseCredentialCache.Builder> credentials) {
			this.credentials = Objects.requireNonNull(credentials, "credentials");
			return this;
		}

		/**
		 * Sets Hikari settings of each user's pool (connection test query, leak detection...).
		 * Size, idle minimum, timeouts and the login data source are the user pools' own.
		 * @param pool what to set on each user's pool
		 * @return this
		 */
		public Builder pool(Consumer<HikariConfig> pool) {
			this.pool = Objects.requireNonNull(pool, "pool");
			return this;
		}

		/**
		 * Builds the user pools, without a network call.
		 * @return the user pools
		 */
		public LakebaseUserPools build() {
			if (this.maxConnections < this.maxPoolSize) {
				throw new LakebaseConfigurationException("on-behalf-of.max-connections",
						Integer.toString(this.maxConnections), "The cap on connections across all users ("
								+ this.maxConnections + ") is below one user's pool size (" + this.maxPoolSize + ")",
						"Raise max-connections, or lower max-pool-size.");
			}
			return new LakebaseUserPools(this);
		}

		private static int atLeastOne(int value, String setting) {
			if (value < 1) {
				throw new LakebaseConfigurationException(setting, Integer.toString(value),
						"The value " + value + " is below 1", "Use 1 or more.");
			}
			return value;
		}

	}

}
