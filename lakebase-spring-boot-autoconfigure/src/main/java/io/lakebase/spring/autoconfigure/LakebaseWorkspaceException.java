package io.lakebase.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the starter cannot get what it needs from the Databricks workspace: the endpoint or
 * instance, the identity, or a database credential. Carries what was attempted, for
 * {@link LakebaseWorkspaceFailureAnalyzer}.
 */
public class LakebaseWorkspaceException extends RuntimeException {

	private final LakebaseTarget target;

	private final @Nullable String workspaceHost;

	private final @Nullable String authType;

	/**
	 * Creates an exception.
	 * @param message what failed, never holding a secret
	 * @param target the endpoint or instance the starter works with
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
	 * Returns the endpoint or instance the starter works with.
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
