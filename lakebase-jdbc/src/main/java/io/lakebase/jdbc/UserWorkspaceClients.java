package io.lakebase.jdbc;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.ApiClient;
import com.databricks.sdk.core.CredentialsProvider;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.HeaderFactory;
import com.databricks.sdk.core.commons.CommonsHttpClient;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.service.database.DatabaseAPI;
import com.databricks.sdk.service.iam.CurrentUserAPI;
import com.databricks.sdk.service.postgres.PostgresAPI;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * Workspace clients that call the API as a user, with the user's own Databricks token, on the
 * application's workspace. Unlike {@code new WorkspaceClient(config)}, making one reads no
 * environment variable, no {@code ~/.databrickscfg} and calls nothing (no host metadata): the
 * application's client has resolved the workspace already, and a user's client must never pick up
 * the application's credentials from the environment. One HTTP connection pool serves them all.
 */
final class UserWorkspaceClients implements AutoCloseable {

	private static final String AUTH_TYPE = "lakebase-user-token";

	private final String host;

	private final Integer httpTimeoutSeconds;

	private final HttpClient http;

	// The users' own connection pool to the workspace, closed with them.
	private final PoolingHttpClientConnectionManager connections;

	/**
	 * Creates user clients on the workspace of the application's client.
	 * @param application the application's client, resolved
	 */
	UserWorkspaceClients(WorkspaceClient application) {
		DatabricksConfig config = application.config();
		this.host = Objects.requireNonNull(config.getHost(), "The workspace client has no host");
		this.httpTimeoutSeconds = (config.getHttpTimeoutSeconds() != null) ? config.getHttpTimeoutSeconds()
				: (int) LakebaseWorkspaceClients.DEFAULT_HTTP_TIMEOUT.toSeconds();
		// The application's timeouts and proxy, on a connection pool of the users' own (the SDK's
		// default sizes: 100 connections, 20 to the workspace).
		this.connections = new PoolingHttpClientConnectionManager();
		this.connections.setMaxTotal(100);
		this.connections.setDefaultMaxPerRoute(20);
		this.http = new CommonsHttpClient.Builder().withDatabricksConfig(config)
			.withConnectionManager(this.connections)
			.build();
	}

	/**
	 * Closes the users' connections to the workspace.
	 */
	@Override
	public void close() {
		this.connections.shutdown();
	}

	/**
	 * Returns a client that authenticates every request with the token the supplier gives then.
	 * @param token the user's current token
	 * @return the client
	 */
	WorkspaceClient client(Supplier<String> token) {
		DatabricksConfig config = new DatabricksConfig().setHost(this.host)
			.setAuthType(AUTH_TYPE)
			.setCredentialsProvider(new BearerToken(token))
			.setHttpTimeoutSeconds(this.httpTimeoutSeconds)
			// No SDK retries: it would sleep through a Retry-After of any length on a request's
			// thread; a user's request fails fast instead, and the credential cache retries itself.
			.setDisableRetries(true)
			.setDebugHeaders(false);
		config.setHttpClient(this.http);
		// Its own Retry-After and server date, over the shared connections.
		config.setHttpClient(new SecretRedactingHttpClient(config));
		ApiClient api = new ApiClient.Builder().withDatabricksConfig(config).build();
		return new UserWorkspaceClient(config, api);
	}

	/**
	 * The SDK's client for mocks, with the three services a user's connection needs and the
	 * configuration this library's HTTP client records answers in.
	 */
	private static final class UserWorkspaceClient extends WorkspaceClient {

		private final DatabricksConfig config;

		UserWorkspaceClient(DatabricksConfig config, ApiClient api) {
			super(true, api);
			this.config = config;
			withPostgresAPI(new PostgresAPI(api));
			withDatabaseAPI(new DatabaseAPI(api));
			withCurrentUserAPI(new CurrentUserAPI(api));
		}

		@Override
		public DatabricksConfig config() {
			return this.config;
		}

	}

	/**
	 * A bearer token read at each request, so that a client follows the newest token its user
	 * presented.
	 */
	private record BearerToken(Supplier<String> token) implements CredentialsProvider {

		@Override
		public String authType() {
			return AUTH_TYPE;
		}

		@Override
		public HeaderFactory configure(DatabricksConfig config) {
			return () -> Map.of("Authorization", "Bearer " + this.token.get());
		}

		@Override
		public String toString() {
			return "BearerToken[****]";
		}

	}

}
