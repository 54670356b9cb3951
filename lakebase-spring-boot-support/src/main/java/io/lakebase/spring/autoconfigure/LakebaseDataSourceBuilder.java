package io.lakebase.spring.autoconfigure;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.jdbc.LakebaseTarget;
import org.jspecify.annotations.Nullable;

/**
 * Builds more Lakebase data sources: Hikari pools that log in with the same rotating credentials
 * as the auto-configured one, through the application's {@link WorkspaceClient}, and that show in
 * the {@code lakebase} health component under their name. Unset values are the application's
 * {@code lakebase.*} settings (the endpoint or instance, port, database, role, schema, TLS), so a
 * second database of the same endpoint is {@code builder.name("orders").database("orders").build()}.
 * <p>
 * Immutable: each method returns a new builder, so the bean can be injected anywhere. The pool is
 * returned unstarted, so that {@code @ConfigurationProperties} on the {@code @Bean} method can
 * bind its Hikari settings (including {@code data-source-properties}); with
 * {@code lakebase.fail-fast}, {@link #build()} checks the connection first. Declare it
 * {@code @Bean(defaultCandidate = false)} to keep the auto-configured data source as the one
 * injected by type.
 *
 * @since 0.1.0
 */
public final class LakebaseDataSourceBuilder {

	private final LakebaseConnectionSettings defaults;

	private final Supplier<WorkspaceClient> applicationWorkspaceClient;

	private final Supplier<LakebaseCredentialCache> applicationCredentials;

	private final LakebaseCredentialCaches caches;

	private final LakebaseProperties properties;

	private @Nullable String name;

	private @Nullable LakebaseTarget target;

	private @Nullable String host;

	private boolean readOnly;

	private @Nullable String database;

	private @Nullable String username;

	private @Nullable String schema;

	private @Nullable WorkspaceClient workspaceClient;

	LakebaseDataSourceBuilder(LakebaseConnectionSettings defaults, Supplier<WorkspaceClient> workspaceClient,
			Supplier<LakebaseCredentialCache> credentials, LakebaseCredentialCaches caches,
			LakebaseProperties properties) {
		this.defaults = defaults;
		this.applicationWorkspaceClient = workspaceClient;
		this.applicationCredentials = credentials;
		this.caches = caches;
		this.properties = properties;
	}

	private LakebaseDataSourceBuilder(LakebaseDataSourceBuilder other) {
		this(other.defaults, other.applicationWorkspaceClient, other.applicationCredentials, other.caches,
				other.properties);
		this.name = other.name;
		this.target = other.target;
		this.host = other.host;
		this.readOnly = other.readOnly;
		this.database = other.database;
		this.username = other.username;
		this.schema = other.schema;
		this.workspaceClient = other.workspaceClient;
	}

	/**
	 * Names the data source: its Hikari pool name and its key in the {@code lakebase} health
	 * component. Required; a name given twice (a data source rebuilt by a refresh scope, say) shows
	 * under that name once.
	 * @param name the name, such as {@code orders}
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder name(String name) {
		Objects.requireNonNull(name, "name");
		return with((builder) -> builder.name = name);
	}

	/**
	 * Connects to an Autoscaling endpoint instead of the application's.
	 * @param endpoint {@code projects/<project>/branches/<branch>/endpoints/<endpoint>}
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder endpoint(String endpoint) {
		LakebaseTarget parsed = LakebaseTarget.endpoint(endpoint);
		return with((builder) -> builder.target = parsed);
	}

	/**
	 * Connects to a Provisioned database instance instead of the application's target.
	 * @param instance the instance name
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder instance(String instance) {
		LakebaseTarget parsed = LakebaseTarget.instance(instance);
		return with((builder) -> builder.target = parsed);
	}

	/**
	 * Sets the host instead of looking it up.
	 * @param host the host name: a DNS name or an IP literal, nothing more (no port or scheme)
	 * @return a new builder
	 * @throws IllegalArgumentException when the host is not a host name or IP literal
	 */
	public LakebaseDataSourceBuilder host(String host) {
		Objects.requireNonNull(host, "host");
		try {
			LakebaseConnectionSettings.builder(this.defaults.target()).optionsFrom(this.defaults).host(host).build();
		}
		catch (LakebaseConfigurationException ex) {
			throw new IllegalArgumentException("LakebaseDataSourceBuilder.host(\"" + host + "\"): " + ex.getMessage()
					+ ". " + ex.getAction(), ex);
		}
		return with((builder) -> builder.host = host);
	}

	/**
	 * Connects to the target's read-only host (a read replica endpoint, a high-availability
	 * endpoint's readable secondaries, an instance's read-only DNS name).
	 * @param readOnly whether to connect to the read-only host
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder readOnly(boolean readOnly) {
		return with((builder) -> builder.readOnly = readOnly);
	}

	/**
	 * Sets the database.
	 * @param database the database name
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder database(String database) {
		return with((builder) -> builder.database = database);
	}

	/**
	 * Sets the Postgres role.
	 * @param username the role
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder username(String username) {
		return with((builder) -> builder.username = username);
	}

	/**
	 * Sets the schema to use by default.
	 * @param schema the schema
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder schema(String schema) {
		return with((builder) -> builder.schema = schema);
	}

	/**
	 * Authenticates with another workspace client (another identity or workspace) instead of the
	 * application's. Its data sources share one credential cache of their own.
	 * @param workspaceClient the client
	 * @return a new builder
	 */
	public LakebaseDataSourceBuilder workspaceClient(WorkspaceClient workspaceClient) {
		Objects.requireNonNull(workspaceClient, "workspaceClient");
		return with((builder) -> builder.workspaceClient = workspaceClient);
	}

	/**
	 * Builds the data source: an unstarted Hikari pool on a login data source of its own, which the
	 * {@code lakebase} health component finds among the application's {@code DataSource} beans.
	 * With {@code lakebase.fail-fast}, first checks that it can connect.
	 * @return the pool, closed by the application context when it is a bean
	 * @throws IllegalStateException when no name is set
	 */
	public HikariDataSource build() {
		String poolName = this.name;
		if (poolName == null) {
			throw new IllegalStateException("A Lakebase data source needs a name, for its pool and its health: "
					+ "call LakebaseDataSourceBuilder.name(\"orders\"), say");
		}
		LakebaseTarget resolvedTarget = (this.target != null) ? this.target : this.defaults.target();
		LakebaseConnectionSettings.Builder settings = LakebaseConnectionSettings.builder(resolvedTarget)
			.optionsFrom(this.defaults)
			.host((this.host != null) ? this.host : sameTarget(resolvedTarget) ? this.defaults.host() : null)
			.readOnly(this.readOnly);
		if (this.database != null) {
			settings.database(this.database);
		}
		if (this.username != null) {
			settings.username(this.username);
		}
		if (this.schema != null) {
			settings.schema(this.schema);
		}
		WorkspaceClient client = this.workspaceClient;
		// The application's identity shares the application's credential; another identity's data
		// sources share one of their own, per flavour.
		LakebaseCredentialCache credentials = (client != null) ? this.caches.of(client, resolvedTarget)
				: sameFlavour(resolvedTarget) ? this.applicationCredentials.get()
						: this.caches.application(this.applicationWorkspaceClient, resolvedTarget);
		LakebaseResolver resolver = new LakebaseResolver(settings.build(),
				(client != null) ? () -> client : this.applicationWorkspaceClient, this.caches.observer());
		LakebaseFailFast.check(new LakebaseLoginDataSource(resolver, credentials), this.properties, (failure) -> false);
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(poolName);
		pool.setMaxLifetime(LakebaseDataSource.DEFAULT_MAX_LIFETIME.toMillis());
		pool.setDataSource(new LakebaseLoginDataSource(resolver, credentials, pool.getDataSourceProperties()));
		return pool;
	}

	private boolean sameFlavour(LakebaseTarget target) {
		return target.flavour() == this.defaults.target().flavour();
	}

	private boolean sameTarget(LakebaseTarget target) {
		return target.equals(this.defaults.target()) && !this.readOnly;
	}

	private LakebaseDataSourceBuilder with(Consumer<LakebaseDataSourceBuilder> change) {
		LakebaseDataSourceBuilder copy = new LakebaseDataSourceBuilder(this);
		change.accept(copy);
		return copy;
	}

}
