package io.lakebase.spring.autoconfigure;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.database.DatabaseInstance;
import com.databricks.sdk.service.database.DatabaseInstanceState;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import com.databricks.sdk.service.postgres.EndpointStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Looks up the endpoint or instance (its host, and whether it can be connected to), and the
 * Postgres role of the identity the workspace client authenticates as. Every workspace failure
 * becomes a {@link LakebaseWorkspaceException}; a configuration that cannot work becomes an
 * {@link InvalidLakebasePropertyException}.
 */
final class LakebaseDiscovery {

	private static final Log logger = LogFactory.getLog(LakebaseDiscovery.class);

	// Auth types that authenticate as a service principal identified by its OAuth client id.
	private static final Set<String> CLIENT_ID_AUTH_TYPES = Set.of("oauth-m2m", "env-oidc", "file-oidc",
			"github-oidc", "azure-devops-oidc");

	// Auth types that authenticate as an Azure service principal identified by its application id.
	private static final Set<String> AZURE_CLIENT_ID_AUTH_TYPES = Set.of("azure-client-secret", "github-oidc-azure");

	private final WorkspaceClient workspaceClient;

	private final LakebaseTarget target;

	LakebaseDiscovery(WorkspaceClient workspaceClient, LakebaseTarget target) {
		this.workspaceClient = workspaceClient;
		this.target = target;
	}

	/**
	 * Returns the host to connect to: the configured one, else the endpoint's read-write (or, for
	 * a read-only endpoint, read-only) host or the instance's read-write DNS name. Pooled hosts
	 * are never used: Lakebase's PgBouncer does not accept OAuth roles.
	 * @param configuredHost the value of {@code lakebase.host}, if set
	 * @return the host
	 */
	String host(@Nullable String configuredHost) {
		if (configuredHost != null) {
			checkConfiguredHost(configuredHost);
			return configuredHost;
		}
		String host = lookUp().host();
		if (logger.isDebugEnabled()) {
			logger.debug("Discovered Lakebase host " + host + " for " + this.target.name());
		}
		return host;
	}

	private void checkConfiguredHost(String configuredHost) {
		Found found;
		try {
			found = lookUp();
		}
		catch (LakebaseWorkspaceException ex) {
			// The host is configured, so the lookup is only a check: the credential call will
			// report an access problem with the same clarity.
			if (logger.isDebugEnabled()) {
				logger.debug("Could not check lakebase.host against " + this.target.name() + ": " + ex.getMessage());
			}
			return;
		}
		if (found.pooledHosts().contains(configuredHost.toLowerCase(Locale.ROOT))) {
			throw new InvalidLakebasePropertyException("lakebase.host", configuredHost, "lakebase.host '"
					+ configuredHost + "' is the pooled (PgBouncer) host of " + this.target.name()
					+ ", which does not accept OAuth database credentials",
					"Remove lakebase.host so that the starter connects to the direct host (" + found.host()
							+ "), or set it to that host. The starter's Hikari pool already pools connections.");
		}
	}

	private Found lookUp() {
		return (this.target.flavour() == LakebaseTarget.Flavour.AUTOSCALING) ? lookUpEndpoint() : lookUpInstance();
	}

	private Found lookUpEndpoint() {
		String name = this.target.name();
		Endpoint endpoint = call("look up the endpoint '" + name + "'",
				() -> this.workspaceClient.postgres().getEndpoint(name));
		EndpointStatus status = endpoint.getStatus();
		if (status != null && Boolean.TRUE.equals(status.getDisabled())) {
			throw new InvalidLakebasePropertyException("lakebase.endpoint", name,
					"The endpoint '" + name + "' is disabled: it refuses connections",
					"Enable the compute in the Lakebase App (your project > branch > Computes > Edit > enable), "
							+ "or set lakebase.endpoint to an enabled endpoint.");
		}
		EndpointHosts hosts = (status != null) ? status.getHosts() : null;
		if (hosts == null || !StringUtils.hasText(hosts.getHost())) {
			throw workspaceFailure("The endpoint '" + name + "' reports no host (state "
					+ ((status != null) ? status.getCurrentState() : null) + "); it may still be starting", null);
		}
		Set<String> pooled = Stream.of(hosts.getReadWritePooledHost(), hosts.getReadOnlyPooledHost())
			.filter(StringUtils::hasText)
			.map((host) -> host.toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		return new Found(hosts.getHost(), pooled);
	}

	private Found lookUpInstance() {
		String name = this.target.name();
		DatabaseInstance instance = call("look up the database instance '" + name + "'",
				() -> this.workspaceClient.database().getDatabaseInstance(name));
		if (instance.getState() == DatabaseInstanceState.STOPPED || Boolean.TRUE.equals(instance.getEffectiveStopped())) {
			throw new InvalidLakebasePropertyException("lakebase.instance", name,
					"The database instance '" + name + "' is stopped",
					"Start the instance (Compute > Database instances > " + name + " > Start, or "
							+ "'databricks database start-database-instance " + name + "'), or set lakebase.instance to a running instance.");
		}
		if (!StringUtils.hasText(instance.getReadWriteDns())) {
			throw workspaceFailure("The database instance '" + name + "' reports no host (state " + instance.getState()
					+ "); it may still be starting", null);
		}
		return new Found(instance.getReadWriteDns(), Set.of());
	}

	/**
	 * Returns the Postgres role of the authenticated identity: a service principal's client id,
	 * else the user name the workspace reports for the current user. A configured user name is
	 * checked against the service principal's client id, the only role its credentials log in as.
	 * @param configuredUsername the value of {@code lakebase.username}, if set
	 * @return the role
	 */
	String username(@Nullable String configuredUsername) {
		Optional<String> clientId = servicePrincipalClientId();
		if (configuredUsername != null) {
			if (clientId.isPresent() && !clientId.get().equals(configuredUsername)) {
				throw new InvalidLakebasePropertyException("lakebase.username", configuredUsername,
						"lakebase.username '" + configuredUsername + "' is not the client id of the service principal "
								+ "the starter authenticates as (" + clientId.get() + "); a service principal's "
								+ "database credentials only log in as the role named by its client id",
						"Remove lakebase.username (the starter then logs in as " + clientId.get()
								+ "), or set it to " + clientId.get() + ". Role names are case-sensitive.");
			}
			return configuredUsername;
		}
		if (clientId.isPresent()) {
			return clientId.get();
		}
		String userName = call("look up the current user", () -> this.workspaceClient.currentUser()
			.me(new MeRequest())
			.getUserName());
		if (!StringUtils.hasText(userName)) {
			throw workspaceFailure("The workspace reports no user name for the current identity", null);
		}
		return userName;
	}

	private Optional<String> servicePrincipalClientId() {
		DatabricksConfig config = this.workspaceClient.config();
		// Resolves the auth type when the SDK detects it (one token request, reused afterwards).
		call("authenticate to the workspace", () -> config.authenticate());
		String authType = config.getAuthType();
		if (CLIENT_ID_AUTH_TYPES.contains(authType) && StringUtils.hasText(config.getClientId())) {
			return Optional.of(config.getClientId());
		}
		if (AZURE_CLIENT_ID_AUTH_TYPES.contains(authType) && StringUtils.hasText(config.getAzureClientId())) {
			return Optional.of(config.getAzureClientId());
		}
		return Optional.empty();
	}

	/**
	 * Turns a failure of the Databricks workspace into a {@link LakebaseWorkspaceException}
	 * carrying the target, the workspace and the auth type.
	 * @param message what failed
	 * @param cause the failure, or {@code null}
	 * @return the exception to throw
	 */
	LakebaseWorkspaceException workspaceFailure(String message, @Nullable Throwable cause) {
		return workspaceFailure(this.workspaceClient.config(), this.target, message, cause);
	}

	static LakebaseWorkspaceException workspaceFailure(DatabricksConfig config, LakebaseTarget target, String message,
			@Nullable Throwable cause) {
		return new LakebaseWorkspaceException(message, target, config.getHost(), authType(config), cause);
	}

	private static @Nullable String authType(DatabricksConfig config) {
		if (StringUtils.hasText(config.getAuthType())) {
			return config.getAuthType();
		}
		// Not yet resolved (authentication failed): name what the configuration points at.
		if (StringUtils.hasText(config.getClientId()) && StringUtils.hasText(config.getClientSecret())) {
			return "oauth-m2m";
		}
		return StringUtils.hasText(config.getToken()) ? "pat" : null;
	}

	private <T> T call(String what, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			throw workspaceFailure("Could not " + what + " in workspace " + this.workspaceClient.config().getHost()
					+ ": " + ex.getMessage(), ex);
		}
	}

	private record Found(String host, Set<String> pooledHosts) {
	}

}
