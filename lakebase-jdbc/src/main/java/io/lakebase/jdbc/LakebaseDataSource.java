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
 * A HikariCP pool on Lakebase for applications without Spring: physical connections log in
 * through a {@link LakebaseConnector} with a credential kept ahead of need, rotated for the
 * pool's whole life. Needs HikariCP on the class path (an optional dependency of this module).
 *
 * <pre class="code">
 * LakebaseDataSource dataSource = LakebaseDataSource.builder()
 *     .endpoint("projects/my-project/branches/production/endpoints/primary")
 *     .workspace(new DatabricksConfig().setHost("https://my-workspace.cloud.databricks.com"))
 *     .build();
 * </pre>
 *
 * Building makes no network call: the pool starts, and the host and role are resolved, on the
 * first {@code getConnection()}. Call {@code connector().verify(timeout)} to check everything
 * first. {@link #close()} closes the pool and stops the credential refresh.
 *
 * @since 0.1.0
 */
public final class LakebaseDataSource extends HikariDataSource {

	/** The pool's {@code maxLifetime}, well within Lakebase's limits on connection age. */
	public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(45);

	private final LakebaseConnector connector;

	private LakebaseDataSource(LakebaseConnector connector) {
		this.connector = connector;
	}

	/**
	 * Starts configuring a data source.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the connector the pool logs in through, for {@code verify}, {@code health} and the
	 * credential cache.
	 * @return the connector
	 */
	public LakebaseConnector connector() {
		return this.connector;
	}

	/**
	 * Closes the pool and the connector (the credential refresh stops).
	 */
	@Override
	public void close() {
		try {
			super.close();
		}
		finally {
			this.connector.close();
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

		private Consumer<LakebaseConnector.Builder> connector = (builder) -> {
		};

		private Consumer<HikariConfig> pool = (config) -> {
		};

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
		 * {@link LakebaseConnector#createWorkspaceClient}'s defaults. Values left unset come from the
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
		 * Sets how credentials are obtained: lifetime, refresh window, fetch timeout, listeners.
		 * @param connector what to set on the connector
		 * @return this
		 */
		public Builder credentials(Consumer<LakebaseConnector.Builder> connector) {
			this.connector = Objects.requireNonNull(connector, "connector");
			return this;
		}

		/**
		 * Sets Hikari's own settings (pool size, timeouts, ...). The physical connections always
		 * come from the connector; {@code maxLifetime} defaults to 45 minutes.
		 * @param pool what to set on the pool
		 * @return this
		 */
		public Builder pool(Consumer<HikariConfig> pool) {
			this.pool = Objects.requireNonNull(pool, "pool");
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
						"Call endpoint(\"projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>\") or instance(name).");
			}
			LakebaseConnectionSettings.Builder settings = LakebaseConnectionSettings.builder(target);
			this.settings.accept(settings);
			LakebaseConnector.Builder connector = LakebaseConnector.builder(settings.build())
				.workspaceClient(workspaceClient(target));
			this.connector.accept(connector);
			LakebaseDataSource dataSource = new LakebaseDataSource(connector.build());
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
			dataSource.setDataSource(dataSource.connector.dataSource(dataSource.getDataSourceProperties()));
			return dataSource;
		}

		private Supplier<WorkspaceClient> workspaceClient(LakebaseTarget target) {
			if (this.workspaceClient != null) {
				return this.workspaceClient;
			}
			DatabricksConfig config = (this.workspace != null) ? this.workspace : new DatabricksConfig();
			return new Memoized<>(() -> LakebaseConnector.createWorkspaceClient(config, target));
		}

	}

	/**
	 * Creates a value once, on first use; a failure is not kept, so that the next use tries again.
	 */
	private static final class Memoized<T> implements Supplier<T> {

		private final Supplier<T> factory;

		private volatile @Nullable T value;

		Memoized(Supplier<T> factory) {
			this.factory = factory;
		}

		@Override
		public T get() {
			T result = this.value;
			if (result == null) {
				synchronized (this) {
					result = this.value;
					if (result == null) {
						result = this.factory.get();
						this.value = result;
					}
				}
			}
			return result;
		}

	}

}
