package io.lakebase.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * A HikariCP pool on Lakebase for applications without Spring: physical connections log in through
 * a {@link LakebaseLoginDataSource} with a credential kept ahead of need, rotated for the pool's
 * whole life. Needs HikariCP on the class path (an optional dependency of this module).
 *
 * <pre class="code">
 * LakebaseDataSource dataSource = LakebaseDataSource.builder()
 *     .endpoint("projects/my-project/branches/production/endpoints/primary")
 *     .workspace(new DatabricksConfig().setHost("https://my-workspace.cloud.databricks.com"))
 *     .build();
 * </pre>
 *
 * Building makes no network call: the pool starts, and the host and role are resolved, on the
 * first {@code getConnection()}. Call {@link #verify(Duration)} to check everything first.
 * {@link #close()} stops the credential refresh (ending any wait for a credential at once), then
 * closes the pool.
 *
 * @since 0.1.0
 */
public final class LakebaseDataSource extends HikariDataSource {

	/** The pool's {@code maxLifetime}, well within Lakebase's limits on connection age. */
	public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(45);

	private final LakebaseLoginDataSource logins;

	private final LakebaseHealthCheck healthCheck;

	private LakebaseDataSource(LakebaseLoginDataSource logins) {
		// The pool's own logins, passing its data source properties (read at each login).
		this.logins = logins.withDriverProperties(getDataSourceProperties());
		this.healthCheck = new LakebaseHealthCheck(this.logins);
	}

	/**
	 * Starts configuring a data source.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the login data source the pool sits on: its resolver, credentials and latest login.
	 * @return the login data source
	 */
	public LakebaseLoginDataSource logins() {
		return this.logins;
	}

	/**
	 * Checks that a connection can be opened ({@link LakebaseStartupCheck}), without touching the
	 * pool.
	 * @param timeout how long to keep retrying transient failures
	 * @return the resolved connection
	 */
	public LakebaseConnectionInfo verify(Duration timeout) {
		return LakebaseStartupCheck.verify(this.logins, timeout);
	}

	/**
	 * Tells whether a new connection can be opened now ({@link LakebaseHealthCheck}).
	 * @param timeout how long to wait at most
	 * @return the health
	 */
	public LakebaseHealth health(Duration timeout) {
		return this.healthCheck.check(timeout);
	}

	/**
	 * Stops the credential refresh (so that a login waiting for a credential ends at once, even
	 * while the API is down), then closes the pool.
	 */
	@Override
	public void close() {
		try {
			this.logins.credentials().close();
			this.logins.resolver().close();
		}
		finally {
			super.close();
		}
	}

	/**
	 * Configures a {@link LakebaseDataSource}: an endpoint or an instance, and a workspace client
	 * or its configuration, are required; the rest has defaults.
	 */
	public static final class Builder {

		private @Nullable LakebaseTarget target;

		private @Nullable Supplier<WorkspaceClient> workspaceClient;

		private @Nullable DatabricksConfig workspace;

		private Consumer<LakebaseConnectionSettings.Builder> settings = (builder) -> {
		};

		private Consumer<LakebaseCredentialCache.Builder> credentials = (builder) -> {
		};

		private Duration credentialTtl = LakebaseCredentialSource.MAXIMUM_LIFETIME;

		private Consumer<HikariConfig> pool = (config) -> {
		};

		private LakebaseObserver observer = LakebaseObserver.NONE;

		private Builder() {
		}

		/**
		 * Connects to an Autoscaling endpoint.
		 * @param name {@code projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>}
		 * @return this
		 */
		public Builder endpoint(String name) {
			this.target = LakebaseTarget.endpoint(name);
			return this;
		}

		/**
		 * Connects to a branch of an Autoscaling project: its read-write endpoint, looked up at the
		 * first connection.
		 * @param project the project id
		 * @param branch the branch id
		 * @return this
		 */
		public Builder branch(String project, String branch) {
			this.target = LakebaseTarget.branch(project, branch);
			return this;
		}

		/**
		 * Connects to a Provisioned instance.
		 * @param name the instance name
		 * @return this
		 */
		public Builder instance(String name) {
			this.target = LakebaseTarget.instance(name);
			return this;
		}

		/**
		 * Uses a workspace client of the application's.
		 * @param workspaceClient the client
		 * @return this
		 */
		public Builder workspaceClient(WorkspaceClient workspaceClient) {
			Objects.requireNonNull(workspaceClient, "workspaceClient");
			this.workspaceClient = () -> workspaceClient;
			return this;
		}

		/**
		 * Creates the workspace client from a configuration, on first use, with
		 * {@link LakebaseWorkspaceClients#create}'s defaults. Values left unset come from the
		 * Databricks SDK's default chain.
		 * @param config the configuration
		 * @return this
		 */
		public Builder workspace(DatabricksConfig config) {
			this.workspace = Objects.requireNonNull(config, "config");
			return this;
		}

		/**
		 * Sets where and how to connect beyond the target: host, port, database, role, schema, TLS.
		 * @param settings what to set on the settings
		 * @return this
		 */
		public Builder settings(Consumer<LakebaseConnectionSettings.Builder> settings) {
			this.settings = Objects.requireNonNull(settings, "settings");
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
		 * Sets how credentials are cached: refresh window, fetch timeout, listeners.
		 * @param credentials what to set on the cache
		 * @return this
		 */
		public Builder credentials(Consumer<LakebaseCredentialCache.Builder> credentials) {
			this.credentials = Objects.requireNonNull(credentials, "credentials");
			return this;
		}

		/**
		 * Sets Hikari's own settings (pool size, timeouts, ...). The physical connections always
		 * come from the login data source; {@code maxLifetime} defaults to 45 minutes.
		 * @param pool what to set on the pool
		 * @return this
		 */
		public Builder pool(Consumer<HikariConfig> pool) {
			this.pool = Objects.requireNonNull(pool, "pool");
			return this;
		}

		/**
		 * Tells an observer about each credential fetch, lookup and login, such as
		 * {@link io.lakebase.jdbc.observation.LakebaseObservations} for Micrometer.
		 * @param observer the observer
		 * @return this
		 */
		public Builder observer(LakebaseObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer");
			return this;
		}

		/**
		 * Validates the settings and builds the data source, without a network call.
		 * @return the data source, its pool not started
		 * @throws LakebaseConfigurationException when a setting cannot work
		 */
		public LakebaseDataSource build() {
			LakebaseTarget target = this.target;
			if (target == null) {
				throw new LakebaseConfigurationException("endpoint", null, "Neither an endpoint nor an instance is set",
						"Call endpoint(\"projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>\"), "
								+ "branch(project, branch) or instance(name).");
			}
			LakebaseConnectionSettings.Builder settings = LakebaseConnectionSettings.builder(target);
			this.settings.accept(settings);
			Supplier<WorkspaceClient> client = workspaceClient(target);
			LakebaseCredentialCache.Builder credentials = LakebaseCredentialCache
				.builder(LakebaseCredentialSource.forTarget(target, client, this.credentialTtl, this.observer));
			this.credentials.accept(credentials);
			LakebaseLoginDataSource logins = new LakebaseLoginDataSource(
					new LakebaseResolver(settings.build(), client, this.observer), credentials.build());
			LakebaseDataSource dataSource = new LakebaseDataSource(logins);
			dataSource.setPoolName("lakebase");
			dataSource.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
			this.pool.accept(dataSource);
			List<String> tls = SslMode.tlsProperties(dataSource.getDataSourceProperties());
			if (!tls.isEmpty()) {
				throw new LakebaseConfigurationException("ssl.mode", null, "The pool's data source properties set TLS "
						+ "themselves (" + String.join(", ", tls) + ")", "Remove them and set TLS with settings(...) "
								+ "(sslMode, sslRootCert, sslCert, sslKey) alone, so that nothing can weaken the "
								+ "server's verification.");
			}
			dataSource.setDataSource(dataSource.logins);
			return dataSource;
		}

		private Supplier<WorkspaceClient> workspaceClient(LakebaseTarget target) {
			if (this.workspaceClient != null) {
				return this.workspaceClient;
			}
			return LakebaseWorkspaceClients.lazy((this.workspace != null) ? this.workspace : new DatabricksConfig(),
					target);
		}

	}

}
