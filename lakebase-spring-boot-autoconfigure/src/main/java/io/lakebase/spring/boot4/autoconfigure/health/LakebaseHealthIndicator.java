package io.lakebase.spring.boot4.autoconfigure.health;

import java.time.Duration;

import io.lakebase.jdbc.LakebaseHealthCheck;
import io.lakebase.spring.autoconfigure.health.LakebaseHealthChecks;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether a new connection to Lakebase can be opened now, answered within a timeout and without a
 * physical login in steady state (see {@link LakebaseHealthCheck}): DOWN when no
 * valid credential can be had, or logins are refused even with a fresh one. Shows where it
 * connects, the credential's expiry and the latest login ({@code LakebaseHealth.details()}), never
 * a token. With a read replica or data sources made with the {@code LakebaseDataSourceBuilder},
 * reports on each of them too ({@link LakebaseHealthChecks#check(Duration)}). The pools' own
 * connections are the {@code db} indicator's concern.
 */
public class LakebaseHealthIndicator extends AbstractHealthIndicator {

	private final LakebaseHealthChecks checks;

	private final Duration timeout;

	/**
	 * Creates an indicator.
	 * @param checks the application's Lakebase connections
	 * @param timeout the longest time a check takes
	 */
	public LakebaseHealthIndicator(LakebaseHealthChecks checks, Duration timeout) {
		super("Lakebase health check failed");
		this.checks = checks;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LakebaseHealthChecks.Report report = this.checks.check(this.timeout);
		(report.up() ? builder.up() : builder.down()).withDetails(report.details());
	}

}
