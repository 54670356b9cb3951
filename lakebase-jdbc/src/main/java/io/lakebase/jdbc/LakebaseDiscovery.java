package io.lakebase.jdbc;

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
import com.databricks.sdk.service.postgres.EndpointType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves what the settings leave open: the host, from the endpoint's or instance's description,
 * and the Postgres role, from the identity the workspace client authenticates as. Makes only the
 * calls it needs: none for a configured host, none for a service principal's role (its client id).
 * Every workspace failure becomes a {@link LakebaseWorkspaceException}; a configuration that
 * cannot work becomes a {@link LakebaseConfigurationException}.
 */
final class LakebaseDiscovery {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseDiscovery.class);

	// Auth types that authenticate as a service principal identified by its OAuth client id.
	private static final Set<String> CLIENT_ID_AUTH_TYPES = Set.of("oauth-m2m", "env-oidc", "file-oidc",
			"github-oidc", "azure-devops-oidc");

	// Auth types that authenticate as an Azure service principal identified by its application id.
	private static final Set<String> AZURE_CLIENT_ID_AUTH_TYPES = Set.of("azure-client-secret", "github-oidc-azure");

	private final Supplier<WorkspaceClient> workspaceClient;

	private final LakebaseTarget target;

	private final @Nullable BranchEndpoints branchEndpoints;

	LakebaseDiscovery(Supplier<WorkspaceClient> workspaceClient, LakebaseTarget target) {
		this.workspaceClient = workspaceClient;
		this.target = target;
		this.branchEndpoints = target.isBranch() ? new BranchEndpoints(workspaceClient, target) : null;
	}

	/**
	 * Resolves the settings into a connection description.
	 * @param settings the settings
	 * @return the connection, with its host and role
	 */
	LakebaseConnectionInfo resolve(LakebaseConnectionSettings settings) {
		// A workspace client of the application's own too: before any authenticated call.
		WorkspaceUrls.requireSecure(this.workspaceClient.get().config());
		String host = settings.host();
		LakebaseConnectionSettings resolved = settings;
		if (host == null) {
			Found found = lookUp(settings.readOnly());
			host = found.host(settings.readOnly(), settings.pooled());
			if (this.target.isBranch()) {
				// The branch's endpoint from now on: logins, users' credentials and reports name it.
				resolved = settings.withTarget(LakebaseTarget.endpoint(found.name()));
			}
		}
		if (!HostNames.isValid(host)) {
			throw workspaceFailure("The workspace reported '" + host + "' as the host of " + this.target
					+ ", which is not a host name or IP address", null);
		}
		settings.sslMode().checkAllowedFor(host);
		TlsWarnings.warnIfUnverified(settings, host);
		String username = username(settings.username());
		logger.debug("Resolved Lakebase {} to host {} and role {}", resolved.target(), host, username);
		return new LakebaseConnectionInfo(resolved, host, username);
	}

	/**
	 * Looks for a reason why a configured host refused a login: it may be the pooled host of the
	 * target, or the target may be disabled or stopped. Lookup failures are ignored: the login
	 * failure is then reported as it is.
	 * @param configuredHost the host that was configured
	 * @throws LakebaseConfigurationException when the lookup explains the failure
	 */
	void explainRefusedHost(String configuredHost) {
		Found found;
		try {
			found = lookUp(false);
		}
		catch (LakebaseWorkspaceException ex) {
			logger.debug("Could not look up {} to explain a refused login: {}", this.target, ex.getMessage());
			return;
		}
		if (found.pooledHosts().contains(configuredHost.toLowerCase(Locale.ROOT))) {
			throw new LakebaseConfigurationException("host", configuredHost,
					"The host '" + configuredHost + "' is the pooled (PgBouncer) host of " + this.target
							+ ", and it refused the login",
					"Remove it so that the direct host (" + found.host() + ") is used. To go through the pooler, "
							+ "remove the host and set pooled=true instead (lakebase.pooled), which also turns off "
							+ "what its transaction mode cannot keep (server-side prepared statements).");
		}
	}

	private Found lookUp(boolean readOnly) {
		if (this.target.flavour() == LakebaseTarget.Flavour.PROVISIONED) {
			return lookUpInstance();
		}
		if (this.branchEndpoints != null) {
			return describe(this.branchEndpoints.find(readOnly));
		}
		String name = this.target.name();
		return describe(call("look up the endpoint '" + name + "'",
				() -> this.workspaceClient.get().postgres().getEndpoint(name)));
	}

	private Found describe(Endpoint endpoint) {
		String name = endpoint.getName();
		EndpointStatus status = endpoint.getStatus();
		if (status != null && Boolean.TRUE.equals(status.getDisabled())) {
			throw new LakebaseConfigurationException(this.target.kind(),
					this.target.isBranch() ? this.target.id() : this.target.name(),
					"The endpoint '" + name + "' is disabled: it refuses connections",
					"Enable the compute in the Lakebase App (your project > branch > Computes > Edit > enable), "
							+ "or use an enabled endpoint.");
		}
		EndpointHosts hosts = (status != null) ? status.getHosts() : null;
		if (hosts == null || !hasText(hosts.getHost())) {
			throw workspaceFailure("The endpoint '" + name + "' reports no host (state "
					+ ((status != null) ? status.getCurrentState() : null) + "); it may still be starting", null);
		}
		Set<String> pooled = Stream.of(hosts.getReadWritePooledHost(), hosts.getReadOnlyPooledHost())
			.filter(LakebaseDiscovery::hasText)
			.map((host) -> host.toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		// A read replica's own host is read-only; a high-availability endpoint's readable
		// secondaries have a host of their own.
		boolean replica = status.getEndpointType() == EndpointType.ENDPOINT_TYPE_READ_ONLY;
		String readOnlyHost = replica ? hosts.getHost() : hosts.getReadOnlyHost();
		String pooledHost = replica ? hosts.getReadOnlyPooledHost() : hosts.getReadWritePooledHost();
		String readOnlyPooledHost = hosts.getReadOnlyPooledHost();
		Supplier<LakebaseConfigurationException> noReadOnlyHost = () -> new LakebaseConfigurationException(
				"read-only.enabled", "true",
				"The endpoint '" + name + "' has no read-only host: it is neither a read replica nor a "
						+ "high-availability endpoint with readable secondaries",
				"Set the read replica endpoint (projects/<p>/branches/<b>/endpoints/<replica>) instead, or enable "
						+ "readable secondaries on this endpoint (high availability, scale to zero off).");
		Supplier<LakebaseConfigurationException> noPooledHost = () -> new LakebaseConfigurationException("pooled",
				"true", "The endpoint '" + name + "' reports no pooled (PgBouncer) host",
				"Remove pooled=true (lakebase.pooled) to connect to the endpoint's own host; the connection pool "
						+ "pools connections already.");
		return new Found(name, hosts.getHost(), hasText(readOnlyHost) ? readOnlyHost : null, noReadOnlyHost, pooled,
				hasText(pooledHost) ? pooledHost : null, hasText(readOnlyPooledHost) ? readOnlyPooledHost : null,
				noPooledHost);
	}

	private Found lookUpInstance() {
		String name = this.target.name();
		DatabaseInstance instance = call("look up the database instance '" + name + "'",
				() -> this.workspaceClient.get().database().getDatabaseInstance(name));
		if (instance.getState() == DatabaseInstanceState.STOPPED || Boolean.TRUE.equals(instance.getEffectiveStopped())) {
			throw new LakebaseConfigurationException("instance", name, "The database instance '" + name + "' is stopped",
					"Start it (Compute > Database instances > " + name + " > Start, or 'databricks database "
							+ "start-database-instance " + name + "'), or use a running instance.");
		}
		if (!hasText(instance.getReadWriteDns())) {
			throw workspaceFailure("The database instance '" + name + "' reports no host (state " + instance.getState()
					+ "); it may still be starting", null);
		}
		Supplier<LakebaseConfigurationException> noReadOnlyHost = () -> new LakebaseConfigurationException(
				"read-only.enabled", "true", "The database instance '" + name + "' reports no read-only DNS name",
				"Enable readable secondaries on the instance, or set the read-only host explicitly.");
		String readOnlyHost = hasText(instance.getReadOnlyDns()) ? instance.getReadOnlyDns() : null;
		// Settings refuse pooled=true for an instance: its description names no pooled host.
		return new Found(name, instance.getReadWriteDns(), readOnlyHost, noReadOnlyHost, Set.of(), null, null,
				() -> new LakebaseConfigurationException("pooled", "true",
						"A Provisioned database instance reports no pooled host", "Remove pooled=true."));
	}

	/**
	 * Returns the Postgres role of the authenticated identity: a service principal's client id,
	 * known from the configuration without a call, else the user name the workspace reports for
	 * the current user. A configured role is checked against the service principal's client id,
	 * the only role its credentials log in as.
	 */
	private String username(@Nullable String configured) {
		Optional<String> clientId = servicePrincipalClientId(this.workspaceClient.get().config());
		if (configured != null) {
			if (clientId.isPresent() && !clientId.get().equals(configured)) {
				throw new LakebaseConfigurationException("username", configured,
						"The username '" + configured + "' is not the client id of the service principal the "
								+ "workspace client authenticates as (" + clientId.get() + "); a service principal's "
								+ "database credentials only log in as the role named by its client id",
						"Remove it (the role is then " + clientId.get() + "), or set it to " + clientId.get()
								+ ". Role names are case-sensitive.");
			}
			return configured;
		}
		if (clientId.isPresent()) {
			return clientId.get();
		}
		String userName = call("look up the current user",
				() -> this.workspaceClient.get().currentUser().me(new MeRequest()).getUserName());
		if (!hasText(userName)) {
			throw workspaceFailure("The workspace reports no user name for the current identity", null);
		}
		return userName;
	}

	/**
	 * Returns the client id of the service principal the configuration authenticates as, read from
	 * the configuration alone: an auth type that names a service principal, or, with the auth type
	 * left to the SDK, a client id with a client secret and no personal access token.
	 */
	static Optional<String> servicePrincipalClientId(DatabricksConfig config) {
		String authType = config.getAuthType();
		if (hasText(authType)) {
			if (CLIENT_ID_AUTH_TYPES.contains(authType) && hasText(config.getClientId())) {
				return Optional.of(config.getClientId());
			}
			if (AZURE_CLIENT_ID_AUTH_TYPES.contains(authType) && hasText(config.getAzureClientId())) {
				return Optional.of(config.getAzureClientId());
			}
			return Optional.empty();
		}
		if (hasText(config.getToken())) {
			return Optional.empty();
		}
		if (hasText(config.getClientId()) && hasText(config.getClientSecret())) {
			return Optional.of(config.getClientId());
		}
		if (hasText(config.getAzureClientId()) && hasText(config.getAzureClientSecret())) {
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
		DatabricksConfig config;
		try {
			config = this.workspaceClient.get().config();
		}
		catch (RuntimeException ex) {
			return new LakebaseWorkspaceException(message, this.target, null, null, cause);
		}
		return LakebaseWorkspaceException.of(config, this.target, message, cause);
	}

	private <T> T call(String what, Supplier<T> call) {
		DatabricksConfig config = this.workspaceClient.get().config();
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			throw LakebaseWorkspaceException.of(config, this.target,
					"Could not " + what + " in workspace " + config.getHost() + ": " + ex.getMessage(), ex);
		}
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	private record Found(String name, String host, @Nullable String readOnlyHost,
			Supplier<LakebaseConfigurationException> noReadOnlyHost, Set<String> pooledHosts,
			@Nullable String pooledHost, @Nullable String readOnlyPooledHost,
			Supplier<LakebaseConfigurationException> noPooledHost) {

		String host(boolean readOnly, boolean pooled) {
			String direct = host(readOnly);
			if (!pooled) {
				return direct;
			}
			// A replica's pooled host is its own; readable secondaries have theirs.
			String pooledHost = (readOnly && !direct.equals(this.host)) ? this.readOnlyPooledHost : this.pooledHost;
			if (pooledHost == null) {
				throw this.noPooledHost.get();
			}
			return pooledHost;
		}

		String host(boolean readOnly) {
			if (!readOnly) {
				return this.host;
			}
			if (this.readOnlyHost == null) {
				throw this.noReadOnlyHost.get();
			}
			return this.readOnlyHost;
		}

	}

}
