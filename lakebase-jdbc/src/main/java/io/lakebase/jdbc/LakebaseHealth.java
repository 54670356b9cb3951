package io.lakebase.jdbc;

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
}
