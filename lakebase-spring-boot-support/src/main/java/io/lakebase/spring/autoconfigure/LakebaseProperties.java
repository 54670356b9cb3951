package io.lakebase.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseStartupCheck;
import io.lakebase.jdbc.LakebaseTokenExchange;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.jdbc.LakebaseWorkspaceClients;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import io.lakebase.jdbc.SslMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties for Databricks Lakebase.
 */
@ConfigurationProperties("lakebase")
public class LakebaseProperties {

	/**
	 * Whether to auto-configure the Lakebase DataSource when an endpoint or instance is set:
	 * true or false.
	 */
	private boolean enabled = true;

	/**
	 * Autoscaling endpoint to connect to, as projects/<project>/branches/<branch>/endpoints/<endpoint>.
	 */
	private @Nullable String endpoint;

	/**
	 * Autoscaling project to connect to by project and branch (with lakebase.branch), instead of
	 * an endpoint: its id, such as my-project.
	 */
	private @Nullable String project;

	/**
	 * Branch of lakebase.project to connect to, such as production: its read-write endpoint (and
	 * for lakebase.read-only.enabled, a read-only one) is looked up.
	 */
	private @Nullable String branch;

	/**
	 * Provisioned database instance to connect to.
	 */
	private @Nullable String instance;

	/**
	 * Whether to connect through the endpoint's built-in connection pooler (PgBouncer in
	 * transaction mode, its pooled host) rather than to the compute itself. Server-side prepared
	 * statements are then off, and session state (lakebase.schema, SET, advisory locks, LISTEN)
	 * is not kept between transactions.
	 */
	private boolean pooled;

	/**
	 * Host name of the database: a DNS name or an IP address, without port or scheme. Looked up
	 * from the endpoint or instance when not set.
	 */
	private @Nullable String host;

	/**
	 * Port of the database.
	 */
	private int port = LakebaseConnectionSettings.DEFAULT_PORT;

	/**
	 * Name of the database.
	 */
	private String database = LakebaseConnectionSettings.DEFAULT_DATABASE;

	/**
	 * Postgres role to log in as. The service principal's client id, or else the current user's
	 * name, when not set.
	 */
	private @Nullable String username;

	/**
	 * Schema to use by default (the PgJDBC currentSchema), or several separated by commas. Each
	 * must exist: the startup check fails otherwise.
	 */
	private @Nullable String schema;

	/**
	 * Whether to look up the endpoint or instance, obtain a credential and open a connection at
	 * startup, so that a misconfiguration fails the start rather than the first request.
	 */
	private boolean failFast = true;

	/**
	 * How long the startup check retries transient failures (throttling, an unavailable API,
	 * timeouts, refused connections) before the start fails.
	 */
	private Duration startupTimeout = LakebaseStartupCheck.DEFAULT_TIMEOUT;

	private final Ssl ssl = new Ssl();

	private final Credential credential = new Credential();

	private final Workspace workspace = new Workspace();

	private final ReadOnly readOnly = new ReadOnly();

	private final OnBehalfOf onBehalfOf = new OnBehalfOf();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(@Nullable String endpoint) {
		this.endpoint = endpoint;
	}

	public @Nullable String getProject() {
		return this.project;
	}

	public void setProject(@Nullable String project) {
		this.project = project;
	}

	public @Nullable String getBranch() {
		return this.branch;
	}

	public void setBranch(@Nullable String branch) {
		this.branch = branch;
	}

	public boolean isPooled() {
		return this.pooled;
	}

	public void setPooled(boolean pooled) {
		this.pooled = pooled;
	}

	public @Nullable String getInstance() {
		return this.instance;
	}

	public void setInstance(@Nullable String instance) {
		this.instance = instance;
	}

	public @Nullable String getHost() {
		return this.host;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public String getDatabase() {
		return this.database;
	}

	public void setDatabase(String database) {
		this.database = database;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getSchema() {
		return this.schema;
	}

	public void setSchema(@Nullable String schema) {
		this.schema = schema;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Credential getCredential() {
		return this.credential;
	}

	public Workspace getWorkspace() {
		return this.workspace;
	}

	public ReadOnly getReadOnly() {
		return this.readOnly;
	}

	public OnBehalfOf getOnBehalfOf() {
		return this.onBehalfOf;
	}

	/**
	 * Connections on behalf of the signed-in user: a user data source (lakebaseUserDataSource)
	 * whose queries run under each user's own Postgres role, beside the application's dataSource.
	 */
	public static class OnBehalfOf {

		/**
		 * Whether to add the user data source, lakebaseUserDataSource.
		 */
		private boolean enabled;

		/**
		 * Where the current user's token comes from, tried in this order:
		 * forwarded-access-token (the X-Forwarded-Access-Token header the Databricks Apps proxy
		 * sets; trust it only behind that proxy) and token-exchange (the OAuth2 bearer token of
		 * a Spring Security resource server, exchanged through Databricks token federation).
		 */
		private List<TokenSource> tokenSources = new ArrayList<>(List.of(TokenSource.FORWARDED_ACCESS_TOKEN));

		/**
		 * Connections one user's pool holds at most.
		 */
		private int maxPoolSize = LakebaseUserPools.DEFAULT_MAX_POOL_SIZE;

		/**
		 * Users pooled at once at most: the least recently used is evicted beyond it.
		 */
		private int maxUsers = LakebaseUserPools.DEFAULT_MAX_USERS;

		/**
		 * Connections open across all users at most.
		 */
		private int maxConnections = LakebaseUserPools.DEFAULT_MAX_CONNECTIONS;

		/**
		 * How long a user's pool stays without a request before it is closed.
		 */
		private Duration idleTimeout = LakebaseUserPools.DEFAULT_IDLE_TIMEOUT;

		/**
		 * How long a request waits for its user's connection, and for the workspace to tell who
		 * the user is.
		 */
		private Duration connectionTimeout = LakebaseUserPools.DEFAULT_CONNECTION_TIMEOUT;

		private final TokenExchange tokenExchange = new TokenExchange();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<TokenSource> getTokenSources() {
			return this.tokenSources;
		}

		public void setTokenSources(List<TokenSource> tokenSources) {
			this.tokenSources = tokenSources;
		}

		public int getMaxPoolSize() {
			return this.maxPoolSize;
		}

		public void setMaxPoolSize(int maxPoolSize) {
			this.maxPoolSize = maxPoolSize;
		}

		public int getMaxUsers() {
			return this.maxUsers;
		}

		public void setMaxUsers(int maxUsers) {
			this.maxUsers = maxUsers;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
		}

		public TokenExchange getTokenExchange() {
			return this.tokenExchange;
		}

		/**
		 * Where the current user's token comes from.
		 */
		public enum TokenSource {

			/**
			 * The X-Forwarded-Access-Token request header, set by the Databricks Apps proxy.
			 */
			FORWARDED_ACCESS_TOKEN,

			/**
			 * The request's OAuth2 bearer token (Spring Security resource server), exchanged for
			 * a Databricks token through Databricks OAuth token federation.
			 */
			TOKEN_EXCHANGE

		}

		/**
		 * Databricks OAuth token federation of the resource server's bearer tokens, under the
		 * account's federation policy for the identity provider (no client id: a service
		 * principal's policy would turn every user into that service principal).
		 */
		public static class TokenExchange {

			/**
			 * Scopes to ask the exchanged Databricks token for.
			 */
			private List<String> scopes = new ArrayList<>(LakebaseTokenExchange.DEFAULT_SCOPES);

			public List<String> getScopes() {
				return this.scopes;
			}

			public void setScopes(List<String> scopes) {
				this.scopes = scopes;
			}

		}

	}

	/**
	 * Read replica routing: work in read-only transactions goes to a second pool on a read-only
	 * host. Pool settings: lakebase.read-only.hikari.* over spring.datasource.hikari.*.
	 */
	public static class ReadOnly {

		/**
		 * Autoscaling read replica endpoint to send read-only transactions to, as
		 * projects/<project>/branches/<branch>/endpoints/<endpoint>.
		 */
		private @Nullable String endpoint;

		/**
		 * Whether to send read-only transactions to the read-only host of the endpoint or
		 * instance itself (a high-availability endpoint's readable secondaries, an instance's
		 * read-only DNS name).
		 */
		private boolean enabled;

		/**
		 * Read-only host to send read-only transactions to, instead of looking it up: a DNS name or
		 * an IP address.
		 */
		private @Nullable String host;

		/**
		 * Whether read-only transactions go to the primary while the read-only host cannot give a
		 * connection.
		 */
		private boolean fallback = true;

		/**
		 * How long read-only transactions skip a read-only host that failed before one of them
		 * tries it again; the others keep going to the primary meanwhile.
		 */
		private Duration retryAfter = ReadReplicaRoutingDataSource.DEFAULT_RETRY_AFTER;

		/**
		 * Whether, in a servlet web application, the read-only transactions of a request that
		 * wrote go to the primary, so that the request reads what it wrote.
		 */
		private boolean readYourWrites = true;

		public @Nullable String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(@Nullable String endpoint) {
			this.endpoint = endpoint;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public boolean isFallback() {
			return this.fallback;
		}

		public void setFallback(boolean fallback) {
			this.fallback = fallback;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public boolean isReadYourWrites() {
			return this.readYourWrites;
		}

		public void setReadYourWrites(boolean readYourWrites) {
			this.readYourWrites = readYourWrites;
		}

	}

	/**
	 * TLS settings of the database connection.
	 */
	public static class Ssl {

		/**
		 * SSL mode of the database connection. verify-full checks the server's certificate and
		 * host name, against the root certificate or, without one, the JVM trust store, so that
		 * the database credential never reaches another server. require encrypts without
		 * checking (with a root certificate it checks the CA, as verify-ca).
		 */
		private SslMode mode = SslMode.VERIFY_FULL;

		/**
		 * Path to the PEM file of the certificate authorities to trust. Without it, verify-full
		 * and verify-ca trust the JVM trust store.
		 */
		private @Nullable String rootCert;

		/**
		 * Path to the client certificate, for mutual TLS.
		 */
		private @Nullable String cert;

		/**
		 * Path to the private key of the client certificate.
		 */
		private @Nullable String key;

		public SslMode getMode() {
			return this.mode;
		}

		public void setMode(SslMode mode) {
			this.mode = mode;
		}

		public @Nullable String getRootCert() {
			return this.rootCert;
		}

		public void setRootCert(@Nullable String rootCert) {
			this.rootCert = rootCert;
		}

		public @Nullable String getCert() {
			return this.cert;
		}

		public void setCert(@Nullable String cert) {
			this.cert = cert;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

	}

	/**
	 * Settings of the short-lived database credentials.
	 */
	public static class Credential {

		/**
		 * Lifetime to request for each database credential, from 5 minutes to 1 hour (1 hour when
		 * not set). Autoscaling only: Provisioned credentials always last 1 hour.
		 */
		private @Nullable Duration ttl;

		/**
		 * How long before expiry to refresh the credential in the background (at most half its
		 * lifetime).
		 */
		private Duration refreshBefore = LakebaseCredentialCache.DEFAULT_REFRESH_BEFORE;

		/**
		 * How long one call to the credential API may take (the SDK's sleep through a throttled
		 * answer's Retry-After is cut there, and no call is made before the Retry-After ends), and
		 * how long opening a connection waits for a credential when no valid one is cached.
		 */
		private Duration fetchTimeout = LakebaseCredentialCache.DEFAULT_FETCH_TIMEOUT;

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getRefreshBefore() {
			return this.refreshBefore;
		}

		public void setRefreshBefore(Duration refreshBefore) {
			this.refreshBefore = refreshBefore;
		}

		public Duration getFetchTimeout() {
			return this.fetchTimeout;
		}

		public void setFetchTimeout(Duration fetchTimeout) {
			this.fetchTimeout = fetchTimeout;
		}

	}

	/**
	 * How to reach and authenticate to the Databricks workspace. Settings left empty come from the
	 * Databricks SDK's default chain: DATABRICKS_* environment variables, then ~/.databrickscfg.
	 */
	public static class Workspace {

		/**
		 * URL of the Databricks workspace, such as https://my-workspace.cloud.databricks.com. Plain
		 * http only to a loopback address (a local emulator).
		 */
		private @Nullable String host;

		/**
		 * OAuth client id of the service principal.
		 */
		private @Nullable String clientId;

		/**
		 * OAuth client secret of the service principal.
		 */
		private @Nullable String clientSecret;

		/**
		 * Personal access token.
		 */
		private @Nullable String token;

		/**
		 * Profile of the Databricks configuration file to use.
		 */
		private @Nullable String profile;

		/**
		 * Path to the Databricks configuration file (default ~/.databrickscfg).
		 */
		private @Nullable String configFile;

		/**
		 * Databricks SDK authentication type to force, such as oauth-m2m, pat, env-oidc or
		 * databricks-cli. Detected when not set.
		 */
		private @Nullable String authType;

		/**
		 * Timeout of each HTTP request to the workspace API.
		 */
		private Duration httpTimeout = LakebaseWorkspaceClients.DEFAULT_HTTP_TIMEOUT;

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public @Nullable String getClientId() {
			return this.clientId;
		}

		public void setClientId(@Nullable String clientId) {
			this.clientId = clientId;
		}

		public @Nullable String getClientSecret() {
			return this.clientSecret;
		}

		public void setClientSecret(@Nullable String clientSecret) {
			this.clientSecret = clientSecret;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable String getProfile() {
			return this.profile;
		}

		public void setProfile(@Nullable String profile) {
			this.profile = profile;
		}

		public @Nullable String getConfigFile() {
			return this.configFile;
		}

		public void setConfigFile(@Nullable String configFile) {
			this.configFile = configFile;
		}

		public @Nullable String getAuthType() {
			return this.authType;
		}

		public void setAuthType(@Nullable String authType) {
			this.authType = authType;
		}

		public Duration getHttpTimeout() {
			return this.httpTimeout;
		}

		public void setHttpTimeout(Duration httpTimeout) {
			this.httpTimeout = httpTimeout;
		}

	}

	/**
	 * Checks the values that no single setting's type can: every duration positive (zero or less
	 * would make every wait fail at once, or for some clients never time out).
	 * @throws InvalidConfigurationPropertyValueException naming the first bad property
	 */
	void validate() {
		positive("lakebase.startup-timeout", this.startupTimeout, "60s");
		positive("lakebase.credential.refresh-before", this.credential.refreshBefore, "5m");
		positive("lakebase.credential.fetch-timeout", this.credential.fetchTimeout, "10s");
		positive("lakebase.workspace.http-timeout", this.workspace.httpTimeout, "10s");
		if (this.credential.ttl != null) {
			positive("lakebase.credential.ttl", this.credential.ttl, "1h");
		}
		if (this.onBehalfOf.enabled) {
			positive("lakebase.on-behalf-of.idle-timeout", this.onBehalfOf.idleTimeout, "5m");
			positive("lakebase.on-behalf-of.connection-timeout", this.onBehalfOf.connectionTimeout, "10s");
		}
	}

	/**
	 * Refuses a duration that is zero or negative.
	 * @param property the property, for the report
	 * @param duration the bound value
	 * @param example a sensible value, for the report
	 * @return the duration
	 * @throws InvalidConfigurationPropertyValueException when it is not positive
	 */
	public static Duration positive(String property, Duration duration, String example) {
		if (duration.isZero() || duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, duration, "The duration " + duration
					+ " is not positive. Use a positive duration, such as " + example
					+ ", or remove the property to use the default.");
		}
		return duration;
	}

}
