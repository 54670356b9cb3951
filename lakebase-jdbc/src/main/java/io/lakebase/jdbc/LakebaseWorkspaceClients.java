package io.lakebase.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import org.jspecify.annotations.Nullable;

/**
 * Creates Databricks workspace clients for Lakebase: a 10-second HTTP timeout unless the
 * configuration sets one (the SDK waits 300 s, far too long on a connection path), request headers
 * and tokens kept out of DEBUG logs whatever the SDK's own debug settings, and a workspace URL that
 * must be {@code https} (plain {@code http} only to a loopback address).
 *
 * @since 0.1.0
 */
public final class LakebaseWorkspaceClients {

	/** The HTTP timeout of the workspace clients made here, unless their configuration sets one. */
	public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);

	private LakebaseWorkspaceClients() {
	}

	/**
	 * Creates a client. Building one already calls the workspace (its host metadata,
	 * unauthenticated); unset values come from the SDK's default chain ({@code DATABRICKS_*}
	 * variables, then {@code ~/.databrickscfg}).
	 * @param config the client configuration
	 * @param target the endpoint or instance, for the failure report
	 * @return the client
	 * @throws LakebaseWorkspaceException when the configuration cannot make a client
	 * @throws LakebaseConfigurationException when the workspace URL is plain {@code http} to a
	 * remote host
	 */
	public static WorkspaceClient create(DatabricksConfig config, LakebaseTarget target) {
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
	 * Closes the connections of a client made here, for a client that is dropped (the SDK's
	 * clients have no close of their own). Does nothing for a client made elsewhere.
	 * @param client the client
	 * @since 0.1.0
	 */
	public static void close(WorkspaceClient client) {
		DatabricksConfig config = client.config();
		if (config != null && config.getHttpClient() instanceof SecretRedactingHttpClient http) {
			http.close();
		}
	}

	/**
	 * Returns a supplier that creates the client on first use, so that building what uses it makes
	 * no network call; a failure is not kept, so that the next use tries again. No lock is held
	 * while the client is built (it calls the workspace): concurrent first uses may each build
	 * one, and all but the first are dropped.
	 * @param config the client configuration
	 * @param target the endpoint or instance, for the failure report
	 * @return the supplier
	 */
	public static Supplier<WorkspaceClient> lazy(DatabricksConfig config, LakebaseTarget target) {
		return new Lazy(config, target);
	}

	private static final class Lazy implements Supplier<WorkspaceClient> {

		private final DatabricksConfig config;

		private final LakebaseTarget target;

		private final AtomicReference<@Nullable WorkspaceClient> client = new AtomicReference<>();

		Lazy(DatabricksConfig config, LakebaseTarget target) {
			this.config = config;
			this.target = target;
		}

		@Override
		public WorkspaceClient get() {
			WorkspaceClient existing = this.client.get();
			if (existing != null) {
				return existing;
			}
			WorkspaceClient created = create(this.config, this.target);
			return this.client.compareAndSet(null, created) ? created : this.client.get();
		}

	}

}
