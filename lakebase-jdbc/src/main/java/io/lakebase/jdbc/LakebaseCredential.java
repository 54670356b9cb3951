package io.lakebase.jdbc;

import java.time.Instant;
import java.util.Objects;

/**
 * A database credential: the OAuth token used as the Postgres password, and when the workspace
 * says it stops being accepted at login. Its {@code toString()} never shows the token.
 *
 * @since 0.1.0
 */
public final class LakebaseCredential {

	private final String token;

	private final Instant expiresAt;

	/**
	 * Creates a credential.
	 * @param token the token to log in with
	 * @param expiresAt when logins with it stop being accepted, by the workspace's clock
	 */
	public LakebaseCredential(String token, Instant expiresAt) {
		this.token = Objects.requireNonNull(token, "token");
		this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
	}

	/**
	 * Returns the token to use as the Postgres password.
	 * @return the token
	 */
	public String token() {
		return this.token;
	}

	/**
	 * Returns when logins with this credential stop being accepted, as the workspace reported it.
	 * @return the expiry
	 */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	@Override
	public String toString() {
		return "LakebaseCredential[expiresAt=" + this.expiresAt + ", token=<redacted>]";
	}

}
