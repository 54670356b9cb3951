package io.lakebase.spring.autoconfigure.health;

import java.time.Duration;

import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseHealth;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether a new connection to Lakebase can be opened now, answered within a timeout and without a
 * physical login in steady state (see {@link LakebaseConnector#health(Duration)}): DOWN when no
 * valid credential can be had, or logins are refused even with a fresh one. Shows where it
 * connects, the credential's expiry and the latest login ({@link LakebaseHealth#details()}), never
 * a token. The pool's own connections are the {@code db} indicator's concern.
 */
public class LakebaseHealthIndicator extends AbstractHealthIndicator {

	private final LakebaseConnector connector;

	private final Duration timeout;

	/**
	 * Creates an indicator.
	 * @param connector the connector the pool logs in through
	 * @param timeout the longest time a check takes
	 */
	public LakebaseHealthIndicator(LakebaseConnector connector, Duration timeout) {
		super("Lakebase health check failed");
		this.connector = connector;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LakebaseHealth health = this.connector.health(this.timeout);
		(health.up() ? builder.up() : builder.down()).withDetails(health.details());
	}

}
