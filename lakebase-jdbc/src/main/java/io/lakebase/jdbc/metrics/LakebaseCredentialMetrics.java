package io.lakebase.jdbc.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialListener;
import io.lakebase.jdbc.LakebaseTarget;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of a credential cache, tagged with the endpoint or instance:
 * <ul>
 * <li>{@code lakebase.credential.fetch} (timer, tag {@code outcome}: success or failure): calls to
 * the credential API and their duration; the success count is the number of credentials
 * obtained;</li>
 * <li>{@code lakebase.credential.expires.in} (gauge, seconds): time until the newest credential
 * expires.</li>
 * </ul>
 * The counts live here rather than in registry meters, so that calls made before the meters are
 * bound to a registry (while a Spring context starts, say) are not lost. Register it as a listener
 * of the cache and bind it to a registry.
 *
 * @since 0.1.0
 */
public final class LakebaseCredentialMetrics implements LakebaseCredentialListener, MeterBinder {

	private final Tags tags;

	private final Clock clock;

	private final AtomicLong successes = new AtomicLong();

	private final AtomicLong successNanos = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong failureNanos = new AtomicLong();

	private volatile @Nullable Instant expiresAt;

	/**
	 * Creates the meters of a target.
	 * @param target the endpoint or instance, used as tag
	 * @param clock the clock to measure the time to expiry with
	 */
	public LakebaseCredentialMetrics(LakebaseTarget target, Clock clock) {
		this.tags = Tags.of(target.kind(), target.name());
		this.clock = clock;
	}

	@Override
	public void fetched(LakebaseCredential credential, Duration took) {
		this.expiresAt = credential.expiresAt();
		this.successNanos.addAndGet(took.toNanos());
		this.successes.incrementAndGet();
	}

	@Override
	public void fetchFailed(Throwable failure, Duration took) {
		this.failureNanos.addAndGet(took.toNanos());
		this.failures.incrementAndGet();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionTimer.builder("lakebase.credential.fetch", this.successes, AtomicLong::get,
				(count) -> this.successNanos.get(), TimeUnit.NANOSECONDS)
			.description("Calls to the Lakebase credential API")
			.tags(this.tags)
			.tag("outcome", "success")
			.register(registry);
		FunctionTimer.builder("lakebase.credential.fetch", this.failures, AtomicLong::get,
				(count) -> this.failureNanos.get(), TimeUnit.NANOSECONDS)
			.description("Calls to the Lakebase credential API")
			.tags(this.tags)
			.tag("outcome", "failure")
			.register(registry);
		Gauge.builder("lakebase.credential.expires.in", this, LakebaseCredentialMetrics::secondsUntilExpiry)
			.description("Time until the current Lakebase database credential expires")
			.baseUnit("seconds")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
	}

	private double secondsUntilExpiry() {
		Instant expiry = this.expiresAt;
		if (expiry == null) {
			return Double.NaN;
		}
		return Math.max(0, Duration.between(this.clock.instant(), expiry).toMillis() / 1000.0);
	}

}
