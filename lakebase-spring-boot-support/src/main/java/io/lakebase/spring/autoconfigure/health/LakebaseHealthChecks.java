package io.lakebase.spring.autoconfigure.health;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseHealth;
import io.lakebase.jdbc.LakebaseHealthCheck;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseLogins;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The health of every Lakebase connection of the application, composed from its beans, as Spring
 * Boot composes the health of {@code DataSource} beans: the auto-configured {@code dataSource} (its
 * Hikari pool's login data source), its read replica when it routes read-only work, the R2DBC
 * connection factory, and every other Hikari pool bean that logs in to Lakebase (made with the
 * {@code LakebaseDataSourceBuilder}), by pool name. Nothing registers with it; it reads each
 * pool's own login outcome through a {@link LakebaseHealthCheck}.
 *
 * @since 0.1.0
 */
public final class LakebaseHealthChecks {

	private static final String R2DBC_CONNECTION_FACTORY = "io.r2dbc.spi.ConnectionFactory";

	private static final String R2DBC_WRAPPED = "io.r2dbc.spi.Wrapped";

	private static final String LAKEBASE_R2DBC = "io.lakebase.r2dbc.LakebaseR2dbcConnectionFactory";

	private final ListableBeanFactory beanFactory;

	// One check per login source, made when first found: each keeps its own probe.
	private final Map<LakebaseLogins, LakebaseHealthCheck> checks = new IdentityHashMap<>();

	/**
	 * Creates the composite over an application's beans.
	 * @param beanFactory the application's beans
	 */
	public LakebaseHealthChecks(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Checks every connection within the timeout, without a physical login in steady state. Up when
	 * the primary is up, the read replica is up or reads fall back to the primary, the R2DBC side
	 * is up, and every other Lakebase data source is up.
	 * @param timeout how long the whole check may take
	 * @return the verdict and its details: the primary's at the top (the R2DBC side's without a
	 * JDBC one), then {@code readOnly}, {@code r2dbc}, {@code dataSources} and the counts of
	 * {@code onBehalfOf} (users pooled, connections); never a secret
	 */
	public Report check(Duration timeout) {
		Connections connections = find();
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<String, Object> details = new LinkedHashMap<>();
		List<String> down = new ArrayList<>();
		if (connections.primary != null) {
			// The first check has the whole timeout: its report names it.
			LakebaseHealth health = check(connections.primary).check(timeout);
			details.putAll(health.details());
			if (!health.up()) {
				down.add("primary");
			}
		}
		if (connections.routing != null && connections.replica != null) {
			LakebaseHealth health = check(connections.replica).check(left(deadline));
			ReadReplicaRoutingDataSource.Status routing = connections.routing.status();
			Map<String, Object> readOnly = component(health);
			Map<String, Object> fallback = new LinkedHashMap<>();
			fallback.put("enabled", routing.fallbackEnabled());
			fallback.put("active", routing.fallingBack());
			fallback.put("count", routing.fallbacks());
			if (routing.lastFallback() != null) {
				fallback.put("last", routing.lastFallback().toString());
			}
			readOnly.put("fallback", fallback);
			details.put("readOnly", readOnly);
			if (!health.up() && !routing.fallbackEnabled()) {
				down.add("readOnly");
			}
		}
		if (connections.r2dbc != null) {
			LakebaseHealth health = check(connections.r2dbc)
				.check((connections.primary != null) ? left(deadline) : timeout);
			if (connections.primary == null) {
				details.putAll(health.details());
			}
			details.put("r2dbc", component(health));
			if (!health.up()) {
				down.add("r2dbc");
			}
		}
		if (!connections.others.isEmpty()) {
			Map<String, Object> dataSources = new LinkedHashMap<>();
			connections.others.forEach((name, logins) -> {
				LakebaseHealth health = check(logins).check(left(deadline));
				dataSources.put(name, component(health));
				if (!health.up()) {
					down.add(name);
				}
			});
			details.put("dataSources", dataSources);
		}
		LakebaseUserPools users = this.beanFactory.getBeanProvider(LakebaseUserPools.class).getIfUnique();
		if (users != null) {
			// Counts only: which users are pooled is nobody's business but theirs.
			LakebaseUserPools.Status status = users.status();
			Map<String, Object> onBehalfOf = new LinkedHashMap<>();
			onBehalfOf.put("usersPooled", status.usersPooled());
			onBehalfOf.put("maxUsers", status.maxUsers());
			onBehalfOf.put("connections", status.connections());
			onBehalfOf.put("maxConnections", status.maxConnections());
			details.put("onBehalfOf", onBehalfOf);
		}
		return new Report(down.isEmpty(), details);
	}

	private synchronized LakebaseHealthCheck check(LakebaseLogins logins) {
		return this.checks.computeIfAbsent(logins, LakebaseHealthCheck::new);
	}

	// Looked up at each check: beans that come and go (a refreshed scope) are seen as they are.
	private Connections find() {
		LakebaseLogins primary = null;
		ReadReplicaRoutingDataSource routing = null;
		LakebaseLogins replica = null;
		HikariDataSource primaryPool = null;
		HikariDataSource replicaPool = null;
		if (this.beanFactory.containsBean("dataSource")) {
			DataSource dataSource = this.beanFactory.getBean("dataSource", DataSource.class);
			routing = unwrap(dataSource, ReadReplicaRoutingDataSource.class);
			primaryPool = unwrap(dataSource, HikariDataSource.class);
			primary = logins(primaryPool);
			if (routing != null) {
				replicaPool = unwrap(routing.replica(), HikariDataSource.class);
				replica = logins(replicaPool);
			}
		}
		Map<String, LakebaseLogins> others = new LinkedHashMap<>();
		for (HikariDataSource pool : this.beanFactory.getBeansOfType(HikariDataSource.class, false, false).values()) {
			LakebaseLogins logins = logins(pool);
			if (pool != primaryPool && pool != replicaPool && logins != null) {
				others.put(String.valueOf(pool.getPoolName()), logins);
			}
		}
		return new Connections(primary, routing, replica, r2dbc(), others);
	}

	private @Nullable LakebaseLogins r2dbc() {
		ClassLoader classLoader = getClass().getClassLoader();
		if (!ClassUtils.isPresent(R2DBC_CONNECTION_FACTORY, classLoader) || !ClassUtils.isPresent(LAKEBASE_R2DBC, classLoader)) {
			return null;
		}
		Class<?> type = ClassUtils.resolveClassName(R2DBC_CONNECTION_FACTORY, classLoader);
		Class<?> wrapped = ClassUtils.resolveClassName(R2DBC_WRAPPED, classLoader);
		for (Object factory : this.beanFactory.getBeansOfType(type, false, false).values()) {
			// Boot's r2dbc-pool wraps the factory the Lakebase decorator made.
			Object current = factory;
			for (int depth = 0; current != null && depth < 5; depth++) {
				if (current instanceof LakebaseLogins logins) {
					return logins;
				}
				current = wrapped.isInstance(current) ? unwrapR2dbc(current) : null;
			}
		}
		return null;
	}

	// Reflectively: r2dbc-spi is an optional dependency.
	private static @Nullable Object unwrapR2dbc(Object wrapper) {
		try {
			return wrapper.getClass().getMethod("unwrap").invoke(wrapper);
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	private static @Nullable LakebaseLogins logins(@Nullable HikariDataSource pool) {
		return (pool != null && pool.getDataSource() instanceof LakebaseLoginDataSource logins) ? logins : null;
	}

	private static <T> @Nullable T unwrap(DataSource dataSource, Class<T> type) {
		try {
			return dataSource.isWrapperFor(type) ? dataSource.unwrap(type) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	// A connection beside the primary: its own status, then its details.
	private static Map<String, Object> component(LakebaseHealth health) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", health.up() ? "UP" : "DOWN");
		details.putAll(health.details());
		return details;
	}

	private static Duration left(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	private record Connections(@Nullable LakebaseLogins primary, @Nullable ReadReplicaRoutingDataSource routing,
			@Nullable LakebaseLogins replica, @Nullable LakebaseLogins r2dbc, Map<String, LakebaseLogins> others) {
	}

	/**
	 * The verdict of {@link #check(Duration)}.
	 *
	 * @param up whether every connection the application depends on can open connections
	 * @param details what the verdict rests on, never a secret
	 */
	public record Report(boolean up, Map<String, Object> details) {
	}

}
