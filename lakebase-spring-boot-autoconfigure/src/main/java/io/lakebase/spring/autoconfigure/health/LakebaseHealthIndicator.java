package io.lakebase.spring.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialStatus;
import io.lakebase.jdbc.LakebaseHealth;
import io.lakebase.jdbc.LakebaseLoginOutcome;
import io.lakebase.jdbc.LakebaseTarget;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether a new connection to Lakebase can be opened now, answered within a timeout and without a
 * physical login in steady state (see {@link LakebaseConnector#health(Duration)}): DOWN when no
 * valid credential can be had, or logins are refused even with a fresh one. Shows where it
 * connects, the credential's expiry and the latest login, never a token. The pool's own
 * connections are the {@code db} indicator's concern.
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
		LakebaseTarget target = health.target();
		builder.withDetail("flavour", target.flavour().displayName()).withDetail(target.kind(), target.name());
		LakebaseConnectionInfo connection = health.connection();
		if (connection != null) {
			builder.withDetail("host", connection.host())
				.withDetail("database", connection.database())
				.withDetail("username", connection.username());
		}
		builder.withDetail("credential", credentialDetails(health.credential()));
		LakebaseLoginOutcome login = health.lastLogin();
		if (login != null) {
			builder.withDetail("lastLogin", loginDetails(login));
		}
		if (health.up()) {
			builder.up();
		}
		else {
			builder.down().withDetail("error", String.valueOf(health.error()));
		}
	}

	private static Map<String, Object> credentialDetails(LakebaseCredentialStatus credential) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (credential.expiresAt() != null) {
			details.put("expiresAt", credential.expiresAt().toString());
		}
		if (credential.expiresIn() != null) {
			details.put("expiresIn", credential.expiresIn().withNanos(0).toString());
		}
		if (credential.lastRefresh() != null) {
			details.put("lastRefresh", credential.lastRefresh().toString());
		}
		if (credential.lastError() != null) {
			details.put("lastRefreshError", credential.lastError());
		}
		return details;
	}

	private static Map<String, Object> loginDetails(LakebaseLoginOutcome login) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("outcome", login.succeeded() ? "success" : "failure");
		details.put("at", login.at().toString());
		if (login.sqlState() != null) {
			details.put("sqlState", login.sqlState());
		}
		if (login.error() != null) {
			details.put("error", login.error());
		}
		return details;
	}

}
