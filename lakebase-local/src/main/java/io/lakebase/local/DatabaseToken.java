package io.lakebase.local;

import java.time.Instant;

/**
 * A database credential as issued by the emulated workspace.
 *
 * @param token the password to log in with
 * @param expiresAt when logins with it stop being accepted
 */
public record DatabaseToken(String token, Instant expiresAt) {

	// Records print every component: a token must never reach a log.
	@Override
	public String toString() {
		return "DatabaseToken[expiresAt=" + this.expiresAt + "]";
	}

}
