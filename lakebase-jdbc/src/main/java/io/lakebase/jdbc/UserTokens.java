package io.lakebase.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * What may be learned from a user's bearer token without trusting it: a fingerprint to key caches
 * by (a keyed hash, so that neither the token nor a dictionary of tokens can be recovered from
 * memory or a heap dump), and the expiry a JWT states, used only to forget sooner, never to accept.
 */
final class UserTokens {

	private static final ObjectMapper JSON = new ObjectMapper();

	// One keyed MAC per thread: made once, reused for every fingerprint that thread takes.
	private final ThreadLocal<Mac> macs;

	UserTokens() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		this.macs = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(key, "HmacSHA256"));
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("HmacSHA256 is unavailable", ex);
			}
		});
	}

	/**
	 * Returns a fingerprint of a token, stable for this instance only.
	 * @param token the token
	 * @return the fingerprint
	 */
	String fingerprint(String token) {
		// doFinal resets the MAC for the next use.
		byte[] digest = this.macs.get().doFinal(token.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

	/**
	 * Returns the expiry ({@code exp}) a JWT-shaped token states, unverified.
	 * @param token the token
	 * @return the expiry, or {@code null} when the token is not a JWT or states none
	 */
	static @Nullable Instant statedExpiry(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
			JsonNode exp = (claims != null) ? claims.get("exp") : null;
			return (exp != null && exp.canConvertToLong()) ? Instant.ofEpochSecond(exp.asLong()) : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

}
