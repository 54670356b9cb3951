package io.lakebase.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.lakebase.jdbc.LakebaseAuthenticationPlugin.property;

/**
 * The credential caches of {@link LakebaseAuthenticationPlugin}, one per target and workspace
 * identity for the whole JVM, since PgJDBC makes a plugin per login. Bounded: at most
 * {@value #MAX_ENTRIES} caches, the least recently used closed beyond that, and a cache unused for
 * {@link #IDLE_TIMEOUT} closed, checked every minute (it would otherwise refresh forever). Closing
 * a cache also closes its workspace client's connections. All caches run on one pair of daemon
 * threads and close at shutdown.
 */
final class PluginCredentials implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PluginCredentials.class);

	static final int MAX_ENTRIES = 64;

	static final Duration IDLE_TIMEOUT = Duration.ofHours(2);

	private final int maxEntries;

	private final Duration idleTimeout;

	private final LongSupplier nanoClock;

	private final CacheScheduler scheduler = CacheScheduler.system();

	// In access order: the first entry is the least recently used.
	private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

	private boolean closed;

	PluginCredentials(int maxEntries, Duration idleTimeout, LongSupplier nanoClock) {
		this.maxEntries = maxEntries;
		this.idleTimeout = idleTimeout;
		this.nanoClock = nanoClock;
	}

	static PluginCredentials shared() {
		return Shared.INSTANCE;
	}

	/**
	 * Returns the entry of a connection's properties, made on first use without a network call.
	 * @param info the connection properties
	 * @return the entry
	 * @throws LakebaseConfigurationException when the properties name no target, or several
	 */
	Entry entry(Properties info) {
		for (String secret : LakebaseAuthenticationPlugin.SECRETS) {
			if (property(info, secret) != null) {
				// The value is a secret: never in the message.
				throw new LakebaseConfigurationException(secret, null, "A secret (" + secret + ") is set as a URL "
						+ "parameter or connection property, where tools and connection pools show and log it",
						"Remove it, and give the Databricks SDK the secret through the environment "
								+ "(DATABRICKS_CLIENT_SECRET, DATABRICKS_TOKEN) or a ~/.databrickscfg profile "
								+ "(databricksProfile).");
			}
		}
		LakebaseTarget target = target(info);
		DatabricksConfig config = config(info);
		Key key = new Key(target, config.getHost(), config.getProfile(), config.getConfigFile(), config.getAuthType(),
				config.getClientId());
		List<Entry> retired = new ArrayList<>();
		Entry entry;
		synchronized (this.entries) {
			if (this.closed) {
				throw new LakebaseConfigurationException(LakebaseAuthenticationPlugin.ENDPOINT, null,
						"The Lakebase authentication plugin's credentials are closed: the JVM is shutting down",
						"Open no connection during shutdown.");
			}
			long now = this.nanoClock.getAsLong();
			entry = this.entries.get(key);
			if (entry == null) {
				entry = create(target, config);
				this.entries.put(key, entry);
				if (this.entries.size() > this.maxEntries) {
					Iterator<Entry> eldest = this.entries.values().iterator();
					retired.add(eldest.next());
					eldest.remove();
				}
			}
			entry.lastUsed = now;
		}
		retired.forEach(Entry::close);
		return entry;
	}

	/**
	 * Closes the caches unused for the idle timeout: every minute on the sweeper's thread, not on
	 * the logins' path.
	 */
	void sweep() {
		List<Entry> retired = new ArrayList<>();
		synchronized (this.entries) {
			long now = this.nanoClock.getAsLong();
			for (Iterator<Entry> idle = this.entries.values().iterator(); idle.hasNext();) {
				Entry candidate = idle.next();
				if (now - candidate.lastUsed >= this.idleTimeout.toNanos()) {
					idle.remove();
					retired.add(candidate);
				}
			}
		}
		retired.forEach(Entry::close);
	}

	private Entry create(LakebaseTarget target, DatabricksConfig config) {
		Supplier<WorkspaceClient> client = LakebaseWorkspaceClients.lazy(config, target);
		LakebaseCredentialCache credentials = LakebaseCredentialCache
			.builder(LakebaseCredentialSource.forTarget(target, client, LakebaseCredentialSource.MAXIMUM_LIFETIME))
			.scheduler(CacheScheduler.sharing(this.scheduler))
			.build();
		logger.debug("Lakebase authentication plugin: credentials of {} in workspace {}", target,
				(config.getHost() != null) ? config.getHost() : "of the SDK's default chain");
		return new Entry(target, config, client, credentials);
	}

	int size() {
		synchronized (this.entries) {
			return this.entries.size();
		}
	}

	@Override
	public void close() {
		List<Entry> all;
		synchronized (this.entries) {
			this.closed = true;
			all = new ArrayList<>(this.entries.values());
			this.entries.clear();
		}
		all.forEach(Entry::close);
		this.scheduler.shutdown();
	}

	private static LakebaseTarget target(Properties info) {
		String endpoint = property(info, LakebaseAuthenticationPlugin.ENDPOINT);
		String instance = property(info, LakebaseAuthenticationPlugin.INSTANCE);
		String project = property(info, LakebaseAuthenticationPlugin.PROJECT);
		String branch = property(info, LakebaseAuthenticationPlugin.BRANCH);
		int named = ((endpoint != null) ? 1 : 0) + ((instance != null) ? 1 : 0)
				+ ((project != null || branch != null) ? 1 : 0);
		if (named != 1) {
			throw new LakebaseConfigurationException(LakebaseAuthenticationPlugin.ENDPOINT, endpoint,
					(named == 0) ? "No Lakebase target is set for the authentication plugin"
							: "Several Lakebase targets are set for the authentication plugin",
					"Set exactly one of lakebaseEndpoint=projects/<p>/branches/<b>/endpoints/<e>, "
							+ "lakebaseInstance=<instance> or lakebaseProject=<project>&lakebaseBranch=<branch> in the "
							+ "JDBC URL or connection properties.");
		}
		if (endpoint != null) {
			return LakebaseTarget.endpoint(endpoint);
		}
		if (instance != null) {
			return LakebaseTarget.instance(instance);
		}
		if (project == null || branch == null) {
			String missing = (project == null) ? LakebaseAuthenticationPlugin.PROJECT : LakebaseAuthenticationPlugin.BRANCH;
			throw new LakebaseConfigurationException(missing, null, "A Lakebase branch is addressed by project and "
					+ "branch, and " + missing + " is not set", "Set " + missing + " as well.");
		}
		return LakebaseTarget.branch(project, branch);
	}

	private static DatabricksConfig config(Properties info) {
		DatabricksConfig config = new DatabricksConfig();
		// Unset values stay null: the SDK fills them from the environment and ~/.databrickscfg.
		set(info, LakebaseAuthenticationPlugin.HOST, config::setHost);
		set(info, LakebaseAuthenticationPlugin.PROFILE, config::setProfile);
		set(info, LakebaseAuthenticationPlugin.CONFIG_FILE, config::setConfigFile);
		set(info, LakebaseAuthenticationPlugin.AUTH_TYPE, config::setAuthType);
		set(info, LakebaseAuthenticationPlugin.CLIENT_ID, config::setClientId);
		return config;
	}

	private static void set(Properties info, String name, java.util.function.Function<String, DatabricksConfig> setter) {
		String value = property(info, name);
		if (value != null) {
			setter.apply(value);
		}
	}

	// What makes two logins share a credential: the target and who the workspace client is (its
	// secret comes from the environment or the profile, the same for every login of the JVM).
	private record Key(LakebaseTarget target, @Nullable String host, @Nullable String profile,
			@Nullable String configFile, @Nullable String authType, @Nullable String clientId) {
	}

	/**
	 * One target's credentials for one workspace identity.
	 */
	static final class Entry {

		private final LakebaseTarget target;

		private final DatabricksConfig config;

		private final Supplier<WorkspaceClient> workspaceClient;

		private final LakebaseCredentialCache credentials;

		// Guarded by the entries' lock.
		private long lastUsed;

		private volatile boolean closed;

		Entry(LakebaseTarget target, DatabricksConfig config, Supplier<WorkspaceClient> workspaceClient,
				LakebaseCredentialCache credentials) {
			this.target = target;
			this.config = config;
			this.workspaceClient = workspaceClient;
			this.credentials = credentials;
		}

		LakebaseTarget target() {
			return this.target;
		}

		WorkspaceClient workspaceClient() {
			return this.workspaceClient.get();
		}

		LakebaseCredentialCache credentials() {
			return this.credentials;
		}

		boolean isClosed() {
			return this.closed;
		}

		void close() {
			this.closed = true;
			this.credentials.close();
			// Set once the client is made (it has not been if no login got that far).
			if (this.config.getHttpClient() instanceof SecretRedactingHttpClient http) {
				http.close();
			}
		}

	}

	private static final class Shared {

		static final PluginCredentials INSTANCE = new PluginCredentials(MAX_ENTRIES, IDLE_TIMEOUT, System::nanoTime);

		static {
			ScheduledExecutorService sweeper = Executors
				.newSingleThreadScheduledExecutor(CacheScheduler.daemonThreads("lakebase-plugin-sweep"));
			sweeper.scheduleWithFixedDelay(INSTANCE::sweep, 1, 1, TimeUnit.MINUTES);
			Runtime.getRuntime()
				.addShutdownHook(CacheScheduler.daemonThreads("lakebase-plugin-shutdown").newThread(() -> {
					sweeper.shutdownNow();
					INSTANCE.close();
				}));
		}

	}

}
