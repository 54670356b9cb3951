package io.lakebase.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Whether a new connection to Lakebase can be opened now, and what that verdict rests on: the
 * credential and the latest login. Never holds a secret.
 *
 * @param up whether a new connection can be opened now
 * @param error why not, or {@code null} when up
 * @param target the endpoint or instance
 * @param connection the resolved connection, or {@code null} before the first discovery
 * @param credential the state of the credential cache
 * @param lastLogin the latest login attempt, or {@code null} before the first one
 * @since 0.1.0
 */
public record LakebaseHealth(boolean up, @Nullable String error, LakebaseTarget target,
		@Nullable LakebaseConnectionInfo connection, LakebaseCredentialStatus credential,
		@Nullable LakebaseLoginOutcome lastLogin) {

	/**
	 * Returns the details a health endpoint shows, in a stable order: {@code flavour},
	 * {@code endpoint}, {@code branch} or {@code instance}, then (once resolved) {@code host},
	 * {@code database}, {@code username} and, through the pooler, {@code pooled}, then {@code credential} ({@code expiresAt}, {@code expiresIn},
	 * {@code lastRefresh}, {@code lastRefreshError}), {@code lastLogin} ({@code outcome}, {@code at},
	 * {@code sqlState}, {@code error}) and, when down, {@code error}. Absent values are left out.
	 * @return the details, never a secret
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("flavour", this.target.flavour().displayName());
		details.put(this.target.kind(), this.target.name());
		if (this.connection != null) {
			details.put("host", this.connection.host());
			details.put("database", this.connection.database());
			details.put("username", this.connection.username());
			if (this.connection.settings().pooled()) {
				details.put("pooled", true);
			}
		}
		Map<String, Object> credential = new LinkedHashMap<>();
		putIfPresent(credential, "expiresAt", this.credential.expiresAt());
		putIfPresent(credential, "expiresIn",
				(this.credential.expiresIn() != null) ? this.credential.expiresIn().withNanos(0) : null);
		putIfPresent(credential, "lastRefresh", this.credential.lastRefresh());
		putIfPresent(credential, "lastRefreshError", this.credential.lastError());
		details.put("credential", credential);
		if (this.lastLogin != null) {
			Map<String, Object> login = new LinkedHashMap<>();
			login.put("outcome", this.lastLogin.succeeded() ? "success" : "failure");
			login.put("at", this.lastLogin.at().toString());
			putIfPresent(login, "sqlState", this.lastLogin.sqlState());
			putIfPresent(login, "error", this.lastLogin.error());
			details.put("lastLogin", login);
		}
		if (!this.up) {
			details.put("error", String.valueOf(this.error));
		}
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, value.toString());
		}
	}

}
