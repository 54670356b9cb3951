package io.lakebase.spring.autoconfigure.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.spring.autoconfigure.LakebaseTarget;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredential;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Health of the Lakebase connection: logs in with the current credential on a fresh connection
 * (the pool itself is the {@code db} indicator's concern) and runs
 * {@code SELECT current_user, current_database()}. DOWN when no valid credential can be had or the
 * login or query fails. Reports where it connects and the credential's expiry, never the token.
 */
public class LakebaseHealthIndicator extends AbstractHealthIndicator {

	private static final int LOGIN_TIMEOUT_SECONDS = 10;

	private final LakebaseConnectionDetails connectionDetails;

	private final JdbcConnectionDetails jdbcConnectionDetails;

	private final LakebaseCredentialCache cache;

	private final Clock clock;

	/**
	 * Creates an indicator.
	 * @param connectionDetails where Lakebase is
	 * @param jdbcConnectionDetails the JDBC URL and user the pool uses
	 * @param cache the credential cache the pool uses
	 * @param clock the clock, for the time to expiry
	 */
	public LakebaseHealthIndicator(LakebaseConnectionDetails connectionDetails,
			JdbcConnectionDetails jdbcConnectionDetails, LakebaseCredentialCache cache, Clock clock) {
		super("Lakebase health check failed");
		this.connectionDetails = connectionDetails;
		this.jdbcConnectionDetails = jdbcConnectionDetails;
		this.cache = cache;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		LakebaseTarget target = this.connectionDetails.getTarget();
		builder.withDetail("flavour", target.flavour().name().toLowerCase(java.util.Locale.ROOT))
			.withDetail(target.kind(), target.name());
		try {
			builder.withDetail("host", this.connectionDetails.getHost())
				.withDetail("database", this.connectionDetails.getDatabase());
			LakebaseCredential credential = this.cache.get();
			String[] identity = query(credential);
			builder.up().withDetail("currentUser", identity[0]).withDetail("currentDatabase", identity[1]);
		}
		finally {
			// Whatever the outcome, report the credential's state: it is what explains a DOWN.
			builder.withDetail("credential", credentialDetails());
		}
	}

	private String[] query(LakebaseCredential credential) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("user", this.jdbcConnectionDetails.getUsername());
		properties.setProperty("password", credential.token());
		properties.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
		properties.setProperty("ApplicationName", "lakebase-health");
		try (Connection connection = DriverManager.getConnection(this.jdbcConnectionDetails.getJdbcUrl(), properties);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user, current_database()")) {
			result.next();
			return new String[] { result.getString(1), result.getString(2) };
		}
	}

	private Map<String, Object> credentialDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		this.cache.current().ifPresent((credential) -> {
			Duration expiresIn = Duration.between(this.clock.instant(), credential.expiresAt());
			details.put("expiresAt", credential.expiresAt().toString());
			details.put("expiresIn", (expiresIn.isNegative() ? Duration.ZERO : expiresIn).withNanos(0).toString());
		});
		this.cache.lastRefresh().map(Instant::toString).ifPresent((time) -> details.put("lastRefresh", time));
		this.cache.lastError().ifPresent((error) -> details.put("lastRefreshError", error));
		return details;
	}

}
