package io.lakebase.spring.autoconfigure.health;

import java.time.Duration;

import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseHealth;
import io.lakebase.spring.autoconfigure.LakebaseDataSources;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Whether a new connection to Lakebase can be opened now, answered within a timeout and without a
 * physical login in steady state (see {@link LakebaseConnector#health(Duration)}): DOWN when no
 * valid credential can be had, or logins are refused even with a fresh one. Shows where it
 * connects, the credential's expiry and the latest login ({@link LakebaseHealth#details()}), never
 * a token. With a read replica or data sources made with the {@code LakebaseDataSourceBuilder},
 * reports on each of them too ({@link LakebaseDataSources#check(Duration)}). The pools' own
 * connections are the {@code db} indicator's concern.
 */
public class LakebaseHealthIndicator extends AbstractHealthIndicator {

	private final LakebaseDataSources dataSources;

	private final Duration timeout;

	/**
	 * Creates an indicator.
	 * @param dataSources the application's Lakebase connections
	 * @param timeout the longest time a check takes
	 */
	public LakebaseHealthIndicator(LakebaseDataSources dataSources, Duration timeout) {
		super("Lakebase health check failed");
		this.dataSources = dataSources;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LakebaseDataSources.Report report = this.dataSources.check(this.timeout);
		(report.up() ? builder.up() : builder.down()).withDetails(report.details());
	}

}
