package io.lakebase.jdbc;

import java.time.Duration;
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

	int calls() {
		return this.calls.get();
	}

	@FunctionalInterface
	interface Answer {

		LakebaseCredential answer(int call);

	}

}
