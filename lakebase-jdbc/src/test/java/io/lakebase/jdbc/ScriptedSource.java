package io.lakebase.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A credential source whose answers a test scripts: by default, credentials named token-1,
 * token-2, ... valid for an hour by the workspace's clock.
 */
final class ScriptedSource implements LakebaseCredentialSource {

	private final SimulatedScheduler clock;

	private final AtomicInteger calls = new AtomicInteger();

	private volatile Answer answer;

	private volatile Duration maximumLifetime = MAXIMUM_LIFETIME;

	private volatile Duration retryAfter;

	ScriptedSource(SimulatedScheduler clock) {
		this.clock = clock;
		this.answer = (call) -> validFor(Duration.ofHours(1), call);
	}

	@Override
	public LakebaseCredential fetch() {
		int call = this.calls.incrementAndGet();
		return this.answer.answer(call);
	}

	@Override
	public Duration maximumLifetime() {
		return this.maximumLifetime;
	}

	@Override
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Sets what {@link #retryAfter()} says, as a throttled answer's {@code Retry-After} would.
	 */
	void retryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	void answer(Answer answer) {
		this.answer = answer;
	}

	void maximumLifetime(Duration maximumLifetime) {
		this.maximumLifetime = maximumLifetime;
	}

	/**
	 * A credential for the given call, valid for the given time by the workspace's clock.
	 */
	LakebaseCredential validFor(Duration lifetime, int call) {
		return new LakebaseCredential("token-" + call, this.clock.serverNow().plus(lifetime));
	}

	/**
	 * A JWT-shaped credential for the given call, issued now and valid for the given time, both by
	 * the workspace's clock.
	 */
	LakebaseCredential jwtValidFor(Duration lifetime, int call) {
		Instant issuedAt = this.clock.serverNow();
		String claims = "{\"sub\":\"app\",\"iat\":" + issuedAt.getEpochSecond() + ",\"exp\":"
				+ issuedAt.plus(lifetime).getEpochSecond() + "}";
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String token = encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature-" + call;
		return new LakebaseCredential(token, issuedAt.plus(lifetime));
	}

	int calls() {
		return this.calls.get();
	}

	@FunctionalInterface
	interface Answer {

		LakebaseCredential answer(int call);

	}

}
