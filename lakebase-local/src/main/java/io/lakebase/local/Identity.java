package io.lakebase.local;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A principal of the emulated workspace: a service principal (client id and OAuth secret) or a
 * user (email and personal access token).
 *
 * @param kind whether this is a service principal or a user
 * @param name the client id of a service principal or the email of a user; also its Postgres role
 * @param secret the OAuth client secret or the personal access token
 * @param workspaceAccess whether the identity has the "Workspace access" entitlement
 * @param postgresRole whether a Postgres role exists for the identity
 * @param federatedIdToken an external OIDC ID token the workspace exchanges for this identity
 * (workload identity federation), or {@code null}
 */
public record Identity(Kind kind, String name, String secret, boolean workspaceAccess, boolean postgresRole,
		@Nullable String federatedIdToken) {

	public Identity {
		Objects.requireNonNull(kind, "kind");
		requireText(name, "name");
		requireText(secret, "secret");
	}

	/**
	 * A service principal with workspace access and a Postgres role.
	 * @param clientId the application (client) id, also the Postgres role name
	 * @param clientSecret the OAuth secret
	 * @return the identity
	 */
	public static Identity servicePrincipal(String clientId, String clientSecret) {
		return new Identity(Kind.SERVICE_PRINCIPAL, clientId, clientSecret, true, true, null);
	}

	/**
	 * A user with workspace access and a Postgres role, authenticating with a personal access token.
	 * @param email the user name, also the Postgres role name
	 * @param personalAccessToken the PAT
	 * @return the identity
	 */
	public static Identity user(String email, String personalAccessToken) {
		return new Identity(Kind.USER, email, personalAccessToken, true, true, null);
	}

	/**
	 * This identity without the "Workspace access" entitlement: every API call answers 403.
	 * @return a copy without workspace access
	 */
	public Identity withoutWorkspaceAccess() {
		return new Identity(this.kind, this.name, this.secret, false, this.postgresRole, this.federatedIdToken);
	}

	/**
	 * This identity without a Postgres role: credentials are issued but logins fail.
	 * @return a copy without a Postgres role
	 */
	public Identity withoutPostgresRole() {
		return new Identity(this.kind, this.name, this.secret, this.workspaceAccess, false, this.federatedIdToken);
	}

	/**
	 * This identity, also reachable by exchanging the given external ID token at the token endpoint
	 * (OIDC workload identity federation, the SDK's {@code env-oidc} and {@code file-oidc}).
	 * @param idToken the external ID token to accept
	 * @return a copy with the federation
	 */
	public Identity withFederatedIdToken(String idToken) {
		requireText(idToken, "idToken");
		return new Identity(this.kind, this.name, this.secret, this.workspaceAccess, this.postgresRole, idToken);
	}

	/**
	 * Whether this is a service principal.
	 * @return {@code true} for a service principal
	 */
	public boolean isServicePrincipal() {
		return this.kind == Kind.SERVICE_PRINCIPAL;
	}

	// Records print every component: keep secrets out of logs and assertion messages.
	@Override
	public String toString() {
		return "Identity[kind=" + this.kind + ", name=" + this.name + ", workspaceAccess=" + this.workspaceAccess
				+ ", postgresRole=" + this.postgresRole + "]";
	}

	private static void requireText(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

	/**
	 * The kinds of principal.
	 */
	public enum Kind {

		/** An application identity, logging in to Postgres with its client id. */
		SERVICE_PRINCIPAL,

		/** A human user, logging in to Postgres with their email. */
		USER

	}

}
