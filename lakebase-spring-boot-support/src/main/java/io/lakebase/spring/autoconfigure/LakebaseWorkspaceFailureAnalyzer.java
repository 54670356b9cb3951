package io.lakebase.spring.autoconfigure;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.TemporarilyUnavailable;
import com.databricks.sdk.core.error.platform.TooManyRequests;
import com.databricks.sdk.core.error.platform.Unauthenticated;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.LakebaseWorkspaceException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link LakebaseWorkspaceException}: a Databricks workspace that cannot be reached,
 * missing or rejected workspace credentials, a missing entitlement or permission, or an endpoint
 * or instance that does not exist, each with the settings to change.
 */
class LakebaseWorkspaceFailureAnalyzer extends AbstractFailureAnalyzer<LakebaseWorkspaceException> {

	private static final String NO_CREDENTIALS = "cannot configure default credentials";

	private static final String MORE_THAN_ONE_METHOD = "more than one authorization method configured";

	private static final String CREDENTIAL_OPTIONS = """
			Configure one way for the Databricks SDK to authenticate:
			    - a service principal (recommended): lakebase.workspace.client-id and lakebase.workspace.client-secret, \
			or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (Databricks Apps set these for you)
			    - a personal access token: lakebase.workspace.token, or DATABRICKS_TOKEN
			    - a profile of ~/.databrickscfg: lakebase.workspace.profile, or DATABRICKS_CONFIG_PROFILE \
			(lakebase.workspace.config-file for another file)
			    - OIDC workload identity federation: lakebase.workspace.client-id with lakebase.workspace.auth-type \
			env-oidc (token in DATABRICKS_OIDC_TOKEN), file-oidc (DATABRICKS_OIDC_TOKEN_FILEPATH) or github-oidc
			    - Azure: ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID, or lakebase.workspace.auth-type=azure-cli
			    - the Databricks CLI: lakebase.workspace.auth-type=databricks-cli after 'databricks auth login'
			and set the workspace URL in lakebase.workspace.host (or DATABRICKS_HOST).""";

	private static final String NO_HOST_ACTION = """
			Set the workspace URL, such as https://dbc-a1b2c3d4-e5f6.cloud.databricks.com, in one of:
			    - lakebase.workspace.host
			    - the DATABRICKS_HOST environment variable (Databricks Apps set it for you)
			    - the host of a ~/.databrickscfg profile: the DEFAULT profile, or the one named by \
			lakebase.workspace.profile or DATABRICKS_CONFIG_PROFILE (lakebase.workspace.config-file for another file)""";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LakebaseWorkspaceException cause) {
		if (cause.getWorkspaceHost() == null) {
			return new FailureAnalysis("No Databricks workspace URL is configured: the starter needs it to look up "
					+ cause.getTarget().name() + " and to obtain database credentials.", NO_HOST_ACTION, cause);
		}
		// The SDK's own message is part of ours; it gives no type for these two configuration mistakes.
		String message = String.valueOf(cause.getMessage());
		if (message.contains(NO_CREDENTIALS) && cause.isClientSecretMissing()) {
			return new FailureAnalysis("lakebase.workspace.client-secret (or DATABRICKS_CLIENT_SECRET) is not set, "
					+ "but lakebase.workspace.client-id (or DATABRICKS_CLIENT_ID) is: the service principal cannot "
					+ "authenticate to workspace " + cause.getWorkspaceHost() + " without its OAuth secret.",
					"Set lakebase.workspace.client-secret (or DATABRICKS_CLIENT_SECRET) to the service principal's "
							+ "OAuth secret: create one under Settings > Identity and access > Service principals > "
							+ "(the principal) > Secrets. For OIDC workload identity federation instead, set "
							+ "lakebase.workspace.auth-type to env-oidc, file-oidc or github-oidc.",
					cause);
		}
		String description = message.contains(NO_CREDENTIALS)
				? "No Databricks credentials are configured for workspace " + cause.getWorkspaceHost()
						+ ": the starter needs them to look up " + cause.getTarget().name() + " and to obtain database credentials"
				: summary(message);
		return new FailureAnalysis(description.endsWith(".") ? description : description + ".",
				action(cause, message), cause);
	}

	private String action(LakebaseWorkspaceException cause, String message) {
		if (message.contains(MORE_THAN_ONE_METHOD)) {
			return "Keep only one way to authenticate, or choose one with lakebase.workspace.auth-type "
					+ "(DATABRICKS_AUTH_TYPE), such as oauth-m2m or pat. Check the DATABRICKS_* and ARM_* "
					+ "environment variables and ~/.databrickscfg as well as lakebase.workspace.*.";
		}
		if (message.contains(NO_CREDENTIALS)) {
			return CREDENTIAL_OPTIONS;
		}
		if (findCause(cause, UnknownHostException.class) != null) {
			return "Check lakebase.workspace.host (or DATABRICKS_HOST): the name does not resolve. It must be the "
					+ "workspace URL, such as https://dbc-a1b2c3d4-e5f6.cloud.databricks.com.";
		}
		if (findCause(cause, ConnectException.class) != null || findCause(cause, NoRouteToHostException.class) != null
				|| findCause(cause, SocketTimeoutException.class) != null) {
			return "Check lakebase.workspace.host (or DATABRICKS_HOST), " + cause.getWorkspaceHost()
					+ ", and that this machine can reach it over HTTPS (proxy, firewall, private link, IP access lists).";
		}
		if (findCause(cause, TooManyRequests.class) != null || findCause(cause, TemporarilyUnavailable.class) != null
				|| findCause(cause, TimeoutException.class) != null) {
			return "The workspace throttled the credential API, was unavailable or did not answer for the whole "
					+ "startup timeout. Raise lakebase.startup-timeout (now giving up after it), or set "
					+ "lakebase.fail-fast=false so that the application starts and connects once the API answers.";
		}
		if (findCause(cause, Unauthenticated.class) != null) {
			return invalidCredentials(cause);
		}
		PermissionDenied denied = findCause(cause, PermissionDenied.class);
		// One type for both: only the message tells a missing entitlement from a missing permission.
		if (denied != null && String.valueOf(denied.getMessage()).contains("workspace-access")) {
			return "Give the service principal the 'Workspace access' entitlement: as a workspace admin, open "
					+ "Settings > Identity and access > Service principals > (the principal) > Configurations and "
					+ "tick 'Workspace access'. Lakebase's credential API is disabled for identities without it.";
		}
		if (denied != null) {
			return "Give the identity permission on the Lakebase " + noun(cause.getTarget())
					+ " (CAN USE is enough to connect) in the Lakebase App's project permissions, "
					+ "or authenticate as an identity that has it (lakebase.workspace.*).";
		}
		if (findCause(cause, NotFound.class) != null) {
			return notFound(cause);
		}
		if (cause.getCause() == null) {
			// What the starter found itself: a target that reports no host (yet).
			return "Wait until the " + noun(cause.getTarget()) + " is running and retry, or check "
					+ property(cause.getTarget()) + ".";
		}
		return "Check " + property(cause.getTarget()) + " and the lakebase.workspace.* settings "
				+ "(or the DATABRICKS_* environment variables), and the status of the workspace.";
	}

	private String invalidCredentials(LakebaseWorkspaceException cause) {
		String authType = cause.getAuthType();
		if ("pat".equals(authType)) {
			return "Check lakebase.workspace.token (or DATABRICKS_TOKEN): the personal access token is invalid, "
					+ "expired or revoked, or belongs to another workspace. Create a new one under Settings > "
					+ "Developer > Access tokens of workspace " + cause.getWorkspaceHost() + ".";
		}
		if ("oauth-m2m".equals(authType)) {
			return "Check lakebase.workspace.client-id and lakebase.workspace.client-secret (or DATABRICKS_CLIENT_ID "
					+ "and DATABRICKS_CLIENT_SECRET): the workspace rejected the service principal's OAuth secret. "
					+ "It may be mistyped, expired or deleted: create a new one under Settings > Identity and access > "
					+ "Service principals > (the principal) > Secrets, and check that the principal belongs to "
					+ "workspace " + cause.getWorkspaceHost() + ".";
		}
		return "Check the credentials the Databricks SDK uses (auth type " + authType
				+ "): lakebase.workspace.* or the DATABRICKS_* environment variables. They are invalid, expired, "
				+ "or for another workspace than " + cause.getWorkspaceHost() + ".";
	}

	private String notFound(LakebaseWorkspaceException cause) {
		LakebaseTarget target = cause.getTarget();
		if (target.isBranch()) {
			return "Check lakebase.project and lakebase.branch: '" + target.name() + "' or its endpoint does not exist in "
					+ "workspace " + cause.getWorkspaceHost() + ", or the identity cannot see it. List them with "
					+ "'databricks postgres list-branches projects/<project-id>' and 'databricks postgres "
					+ "list-endpoints " + target.name() + "'.";
		}
		if (target.flavour() == LakebaseTarget.Flavour.AUTOSCALING) {
			return "Check lakebase.endpoint: '" + target.name() + "' does not exist in workspace "
					+ cause.getWorkspaceHost() + ", or the identity cannot see it. Copy the name from the "
					+ "Lakebase App (your project > branch > Computes > Connect), or list them with "
					+ "'databricks postgres list-endpoints projects/<project-id>/branches/<branch-id>'. Also check "
					+ "that lakebase.workspace.host (or DATABRICKS_HOST) is the workspace that holds the project.";
		}
		return "Check lakebase.instance: '" + target.name() + "' does not exist in workspace "
				+ cause.getWorkspaceHost() + ", or the identity cannot see it. List the instances with "
				+ "'databricks database list-database-instances'. Also check that lakebase.workspace.host "
				+ "(or DATABRICKS_HOST) is the workspace that holds the instance.";
	}

	private static String property(LakebaseTarget target) {
		return "lakebase." + target.kind();
	}

	private static String noun(LakebaseTarget target) {
		return target.kind() + " '" + target.name() + "'";
	}

	// The SDK appends its resolved configuration ("Config: host=..., client_secret=***"): useful in
	// a stack trace, noise in a report.
	private static String summary(@Nullable String message) {
		String text = String.valueOf(message);
		int config = text.indexOf(". Config: ");
		return (config >= 0) ? text.substring(0, config) : text;
	}


}
