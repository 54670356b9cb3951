package io.lakebase.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A database credential: the OAuth token used as the Postgres password, and when the workspace
 * says it stops being accepted at login. Its {@code toString()} never shows the token.
 *
 * @since 0.1.0
 */
public final class LakebaseCredential {

	// The issue time claim of a JWT's payload.
	private static final Pattern ISSUED_AT = Pattern.compile("\"iat\"\\s*:\\s*(\\d{1,12})");

	private final String token;

	private final Instant expiresAt;

	private final @Nullable Instant issuedAt;

	/**
	 * Creates a credential. When the token is a JWT with an issue time ({@code iat}), that time, by
	 * the workspace's clock, is its {@link #issuedAt()}.
	 * @param token the token to log in with
	 * @param expiresAt when logins with it stop being accepted, by the workspace's clock
	 */
	public LakebaseCredential(String token, Instant expiresAt) {
		this(token, expiresAt, jwtIssuedAt(token));
	}

	/**
	 * Creates a credential.
	 * @param token the token to log in with
	 * @param expiresAt when logins with it stop being accepted, by the workspace's clock
	 * @param issuedAt when the workspace issued it, by its own clock, or {@code null} if unknown
	 */
	public LakebaseCredential(String token, Instant expiresAt, @Nullable Instant issuedAt) {
		this.token = Objects.requireNonNull(token, "token");
		this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
		this.issuedAt = issuedAt;
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

	/**
	 * Returns when the workspace issued this credential, by the workspace's own clock: with
	 * {@link #expiresAt()}, its lifetime, whatever this machine's clock says.
	 * @return the issue time, or {@code null} if unknown
	 */
	public @Nullable Instant issuedAt() {
		return this.issuedAt;
	}

	/**
	 * A credential as the API answered it, issued by the workspace's clock at the time the
	 * answer's {@code Date} header gave or, without one, at the token's own {@code iat}.
	 */
	static LakebaseCredential issued(String token, Instant expiresAt, @Nullable Instant answeredAt) {
		return new LakebaseCredential(token, expiresAt, (answeredAt != null) ? answeredAt : jwtIssuedAt(token));
	}

	// Read without verifying the signature: the time is the workspace's word, as the expiry is.
	static @Nullable Instant jwtIssuedAt(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
			Matcher issuedAt = ISSUED_AT.matcher(payload);
			return issuedAt.find() ? Instant.ofEpochSecond(Long.parseLong(issuedAt.group(1))) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "LakebaseCredential[expiresAt=" + this.expiresAt + ", token=<redacted>]";
	}

}
