package io.lakebase.jdbc;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A credential source whose calls an observer is told about.
 */
final class ObservedCredentialSource implements LakebaseCredentialSource {

	private final LakebaseCredentialSource source;

	private final LakebaseTarget target;

	private final LakebaseObserver observer;

	ObservedCredentialSource(LakebaseCredentialSource source, LakebaseTarget target, LakebaseObserver observer) {
		this.source = source;
		this.target = target;
		this.observer = observer;
	}

	@Override
	public LakebaseCredential fetch() {
		return this.observer.observe(LakebaseObserver.Step.CREDENTIAL_FETCH, this.target, this.source::fetch);
	}

	@Override
	public Duration maximumLifetime() {
		return this.source.maximumLifetime();
	}

	@Override
	public @Nullable Duration retryAfter() {
		return this.source.retryAfter();
	}

	@Override
	public String toString() {
		return this.source.toString();
	}

}
