package io.lakebase.jdbc;

import com.databricks.sdk.core.DatabricksConfig;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when what is needed cannot be had from the Databricks workspace: the endpoint or
 * instance, the identity, or a database credential. Carries what was attempted, for failure
 * reports.
 *
 * @since 0.1.0
 */
public class LakebaseWorkspaceException extends RuntimeException {

	private final LakebaseTarget target;

	private final @Nullable String workspaceHost;

	private final @Nullable String authType;

	private boolean clientSecretMissing;

	/**
	 * Creates an exception.
	 * @param message what failed, never holding a secret
	 * @param target the endpoint or instance
	 * @param workspaceHost the workspace URL, if known
	 * @param authType the Databricks auth type in use, if known
	 * @param cause the workspace API failure, or {@code null}
	 */
	public LakebaseWorkspaceException(String message, LakebaseTarget target, @Nullable String workspaceHost,
			@Nullable String authType, @Nullable Throwable cause) {
		super(message, cause);
		this.target = target;
		this.workspaceHost = workspaceHost;
		this.authType = authType;
	}

	/**
	 * Creates an exception for a failure of a workspace client, naming its workspace and the auth
	 * type it uses (or, before authentication resolved one, the one its settings point at).
	 * @param config the configuration of the workspace client
	 * @param target the endpoint or instance
	 * @param message what failed, never holding a secret
	 * @param cause the failure, or {@code null}
	 * @return the exception
	 */
	public static LakebaseWorkspaceException of(DatabricksConfig config, LakebaseTarget target, String message,
			@Nullable Throwable cause) {
		LakebaseWorkspaceException exception = new LakebaseWorkspaceException(message, target, config.getHost(),
				authType(config), cause);
		// A client id alone, with no secret nor any other way to authenticate: a forgotten secret.
		exception.clientSecretMissing = hasText(config.getClientId()) && !hasText(config.getClientSecret())
				&& !hasText(config.getToken()) && (!hasText(config.getAuthType()) || "oauth-m2m".equals(config.getAuthType()));
		return exception;
	}

	private static @Nullable String authType(DatabricksConfig config) {
		if (hasText(config.getAuthType())) {
			return config.getAuthType();
		}
		if (hasText(config.getClientId()) && hasText(config.getClientSecret())) {
			return "oauth-m2m";
		}
		return hasText(config.getToken()) ? "pat" : null;
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Tells whether the configuration named a service principal's client id but no client secret,
	 * and no other way to authenticate: most likely a forgotten secret.
	 * @return whether the client secret is missing
	 */
	public boolean isClientSecretMissing() {
		return this.clientSecretMissing;
	}

	/**
	 * Returns the endpoint or instance.
	 * @return the target
	 */
	public LakebaseTarget getTarget() {
		return this.target;
	}

	/**
	 * Returns the workspace URL.
	 * @return the workspace URL, or {@code null} if none is configured
	 */
	public @Nullable String getWorkspaceHost() {
		return this.workspaceHost;
	}

	/**
	 * Returns the Databricks auth type in use, such as {@code oauth-m2m} or {@code pat}.
	 * @return the auth type, or {@code null} when none could be determined
	 */
	public @Nullable String getAuthType() {
		return this.authType;
	}

}
