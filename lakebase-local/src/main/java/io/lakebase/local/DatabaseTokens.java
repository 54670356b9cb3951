package io.lakebase.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Issues and checks database credentials the way Lakebase does: JWT-shaped tokens bound to one
 * identity, many valid at once, each until its own expiry, checked only at login.
 */
final class DatabaseTokens {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final byte[] signingKey = new byte[32];

	private final String issuer;

	private final Clock clock;

	// Every live token by its id: revocation removes entries, expiry prunes them.
	private final Map<String, Issued> issued = new ConcurrentHashMap<>();

	DatabaseTokens(String issuer, Clock clock) {
		this.issuer = issuer;
		this.clock = clock;
		new SecureRandom().nextBytes(this.signingKey);
	}

	/**
	 * Mints a credential for an identity.
	 * @param identity the identity the token logs in as
	 * @param audience what the token was requested for (an endpoint name or instance names)
	 * @param lifetime how long the token is valid
	 * @return the token and its expiry
	 */
	DatabaseToken issue(Identity identity, String audience, Duration lifetime) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(lifetime);
		String id = UUID.randomUUID().toString();
		ObjectNode header = JSON.createObjectNode().put("alg", "HS256").put("typ", "JWT").put("kid", "lakebase-local");
		ObjectNode claims = JSON.createObjectNode()
			.put("iss", this.issuer)
			.put("sub", identity.name())
			.put("aud", audience)
			.put("scope", "postgres:login")
			.put("iat", now.getEpochSecond())
			.put("exp", expiresAt.getEpochSecond())
			.put("jti", id);
		String unsigned = encode(header) + "." + encode(claims);
		String token = unsigned + "." + ENCODER.encodeToString(sign(unsigned));
		pruneExpired(now);
		this.issued.put(id, new Issued(identity.name(), expiresAt));
		return new DatabaseToken(token, expiresAt);
	}

	/**
	 * Checks a password presented at login.
	 * @param user the user name of the login
	 * @param password the password of the login
	 * @return the verdict
	 */
	Verdict check(String user, String password) {
		String[] parts = password.split("\\.", -1);
		if (parts.length != 3) {
			return Verdict.NOT_A_JWT;
		}
		JsonNode claims;
		try {
			JSON.readTree(DECODER.decode(parts[0]));
			claims = JSON.readTree(DECODER.decode(parts[1]));
		}
		catch (Exception ex) {
			return Verdict.NOT_A_JWT;
		}
		byte[] expected = sign(parts[0] + "." + parts[1]);
		byte[] actual;
		try {
			actual = DECODER.decode(parts[2]);
		}
		catch (IllegalArgumentException ex) {
			return Verdict.NOT_A_JWT;
		}
		if (!MessageDigest.isEqual(expected, actual) || claims == null || !claims.hasNonNull("jti")) {
			return Verdict.INVALID;
		}
		Issued record = this.issued.get(claims.get("jti").asText());
		if (record == null || !record.identity().equals(user)) {
			return Verdict.INVALID;
		}
		return record.expiresAt().isAfter(this.clock.instant()) ? Verdict.VALID : Verdict.EXPIRED;
	}

	/**
	 * Revokes every token issued so far to an identity, as rotating its role would.
	 * @param identity the identity name
	 * @return how many tokens were revoked
	 */
	int revokeAll(String identity) {
		int before = this.issued.size();
		this.issued.values().removeIf((record) -> record.identity().equals(identity));
		return before - this.issued.size();
	}

	private void pruneExpired(Instant now) {
		// Keep expired tokens a while so that they are refused as expired rather than unknown.
		Instant horizon = now.minus(Duration.ofHours(1));
		this.issued.values().removeIf((record) -> record.expiresAt().isBefore(horizon));
	}

	private byte[] sign(String content) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.signingKey, "HmacSHA256"));
			return mac.doFinal(content.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is unavailable", ex);
		}
	}

	private static String encode(JsonNode node) {
		return ENCODER.encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
	}

	private record Issued(String identity, Instant expiresAt) {
	}

	/**
	 * The outcome of checking a login password.
	 */
	enum Verdict {

		/** A live token of this identity. */
		VALID,

		/** A token of this identity that has expired. */
		EXPIRED,

		/** Not a token of this identity: forged, revoked, unknown or issued to someone else. */
		INVALID,

		/** Not shaped like a JWT at all, such as a personal access token or a plain password. */
		NOT_A_JWT

	}

}
