package io.lakebase.spring.autoconfigure.credential;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A database credential: the OAuth token used as the Postgres password, and when it stops being
 * accepted at login. Its {@code toString()} never shows the token.
 */
public final class LakebaseCredential {

	private final String token;

	private final Instant expiresAt;

	private final Instant issuedAt;

	/**
	 * Creates a credential.
	 * @param token the token to log in with
	 * @param expiresAt when logins with it stop being accepted
	 * @param issuedAt when it was obtained, to know its lifetime
	 */
	public LakebaseCredential(String token, Instant expiresAt, Instant issuedAt) {
		this.token = Objects.requireNonNull(token, "token");
		this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
		this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
	}

	/**
	 * Returns the token to use as the Postgres password.
	 * @return the token
	 */
	public String token() {
		return this.token;
	}

	/**
	 * Returns when logins with this credential stop being accepted.
	 * @return the expiry
	 */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	/**
	 * Returns when this credential was obtained.
	 * @return the issue time
	 */
	public Instant issuedAt() {
		return this.issuedAt;
	}

	/**
	 * Returns how long this credential was valid for when it was obtained.
	 * @return the lifetime, never negative
	 */
	public Duration lifetime() {
		Duration lifetime = Duration.between(this.issuedAt, this.expiresAt);
		return lifetime.isNegative() ? Duration.ZERO : lifetime;
	}

	@Override
	public String toString() {
		return "LakebaseCredential[expiresAt=" + this.expiresAt + ", token=<redacted>]";
	}

}
