package io.lakebase.spring.autoconfigure;

import java.util.Set;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.database.DatabaseInstance;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.StringUtils;

/**
 * Looks up the database host of an endpoint or instance, and the Postgres role of the identity the
 * workspace client authenticates as.
 */
final class LakebaseDiscovery {

	private static final Log logger = LogFactory.getLog(LakebaseDiscovery.class);

	// Auth types that authenticate as a service principal identified by its OAuth client id.
	private static final Set<String> CLIENT_ID_AUTH_TYPES = Set.of("oauth-m2m", "env-oidc", "file-oidc",
			"github-oidc", "azure-devops-oidc");

	// Auth types that authenticate as an Azure service principal identified by its application id.
	private static final Set<String> AZURE_CLIENT_ID_AUTH_TYPES = Set.of("azure-client-secret", "github-oidc-azure");

	private final WorkspaceClient workspaceClient;

	LakebaseDiscovery(WorkspaceClient workspaceClient) {
		this.workspaceClient = workspaceClient;
	}

	/**
	 * Returns the read-write (or, for a read-only endpoint, read-only) host. Pooled hosts are never
	 * used: Lakebase's PgBouncer does not accept OAuth roles.
	 */
	String host(LakebaseTarget target) {
		String host = (target.flavour() == LakebaseTarget.Flavour.AUTOSCALING) ? endpointHost(target.name())
				: instanceHost(target.name());
		if (logger.isDebugEnabled()) {
			logger.debug("Discovered Lakebase host " + host + " for " + target.name());
		}
		return host;
	}

	private String endpointHost(String name) {
		Endpoint endpoint = this.workspaceClient.postgres().getEndpoint(name);
		EndpointHosts hosts = (endpoint.getStatus() != null) ? endpoint.getStatus().getHosts() : null;
		if (hosts == null || !StringUtils.hasText(hosts.getHost())) {
			throw new LakebaseDiscoveryException(
					"The endpoint '" + name + "' reports no host (it may still be starting)");
		}
		return hosts.getHost();
	}

	private String instanceHost(String name) {
		DatabaseInstance instance = this.workspaceClient.database().getDatabaseInstance(name);
		if (!StringUtils.hasText(instance.getReadWriteDns())) {
			throw new LakebaseDiscoveryException("The instance '" + name + "' reports no host (state "
					+ instance.getState() + ")");
		}
		return instance.getReadWriteDns();
	}

	/**
	 * Returns the Postgres role of the authenticated identity: a service principal's client id,
	 * else the user name the workspace reports for the current user.
	 */
	String username() {
		DatabricksConfig config = this.workspaceClient.config();
		// Resolves the auth type when the SDK detects it (one token request, reused afterwards).
		config.authenticate();
		String authType = config.getAuthType();
		if (CLIENT_ID_AUTH_TYPES.contains(authType) && StringUtils.hasText(config.getClientId())) {
			return config.getClientId();
		}
		if (AZURE_CLIENT_ID_AUTH_TYPES.contains(authType) && StringUtils.hasText(config.getAzureClientId())) {
			return config.getAzureClientId();
		}
		String userName = this.workspaceClient.currentUser().me(new MeRequest()).getUserName();
		if (!StringUtils.hasText(userName)) {
			throw new LakebaseDiscoveryException("The workspace reports no user name for the current identity");
		}
		return userName;
	}

}
