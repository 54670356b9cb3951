package io.lakebase.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseHealth;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Every Lakebase connection of the application: the auto-configured primary, its read replica,
 * the R2DBC connection factory, and the data sources made with {@link LakebaseDataSourceBuilder}. The {@code lakebase} health
 * indicator reports on all of them; the connectors the builder made are closed with the context.
 *
 * @since 0.1.0
 */
public final class LakebaseDataSources implements DisposableBean {

	private @Nullable LakebaseConnector primary;

	private @Nullable ReadReplicaRoutingDataSource readOnly;

	private @Nullable LakebaseConnector readOnlyConnector;

	private @Nullable LakebaseConnector r2dbc;

	private final Map<String, LakebaseConnector> named = new LinkedHashMap<>();

	// The credential caches of other identities than the application's, by workspace client.
	private final Map<WorkspaceClient, LakebaseCredentialCache> otherCredentials = new IdentityHashMap<>();

	synchronized void primary(LakebaseConnector connector) {
		this.primary = connector;
	}

	synchronized void readOnly(ReadReplicaRoutingDataSource readOnly, LakebaseConnector connector) {
		this.readOnly = readOnly;
		this.readOnlyConnector = connector;
	}

	synchronized void r2dbc(LakebaseConnector connector) {
		this.r2dbc = connector;
	}

	synchronized void add(String name, LakebaseConnector connector) {
		if (this.named.containsKey(name)) {
			throw new IllegalStateException("A Lakebase data source named '" + name + "' exists already: give each "
					+ "one its own name (LakebaseDataSourceBuilder.name)");
		}
		this.named.put(name, connector);
	}

	/**
	 * Returns the one credential cache of a workspace client that is not the application's, made
	 * on first use: the data sources of one identity share one credential.
	 */
	synchronized LakebaseCredentialCache credentialsOf(WorkspaceClient client, LakebaseTarget target,
			LakebaseProperties properties) {
		return this.otherCredentials.computeIfAbsent(client, (key) -> {
			LakebaseProperties.Credential credential = properties.getCredential();
			return LakebaseCredentialCache
				.builder(LakebaseCredentialSource.forTarget(target, () -> client,
						LakebaseAutoConfiguration.credentialTtl(credential, target)))
				.refreshBefore(credential.getRefreshBefore())
				.fetchTimeout(credential.getFetchTimeout())
				.build();
		});
	}

	/**
	 * Returns the connector of the auto-configured data source.
	 * @return the connector, unless the application defines its own data source
	 */
	public synchronized Optional<LakebaseConnector> primary() {
		return Optional.ofNullable(this.primary);
	}

	/**
	 * Returns the routing of read-only work to the read replica.
	 * @return the routing, when {@code lakebase.read-only.*} is set
	 */
	public synchronized Optional<ReadReplicaRoutingDataSource> readOnly() {
		return Optional.ofNullable(this.readOnly);
	}

	/**
	 * Returns the connector of the auto-configured R2DBC connection factory.
	 * @return the connector, when R2DBC is configured
	 */
	public synchronized Optional<LakebaseConnector> r2dbc() {
		return Optional.ofNullable(this.r2dbc);
	}

	/**
	 * Returns the connectors of the data sources made with {@link LakebaseDataSourceBuilder}, by
	 * name.
	 * @return the connectors, in the order they were made
	 */
	public synchronized Map<String, LakebaseConnector> named() {
		return Map.copyOf(this.named);
	}

	/**
	 * Checks every connection within the timeout, without a physical login in steady state
	 * ({@link LakebaseConnector#health(Duration)}). Up when the primary is up, the read replica is
	 * up or reads fall back to the primary, and every named data source is up.
	 * @param timeout how long the whole check may take
	 * @return the verdict and its details: the primary's at the top (the R2DBC side's without
	 * a JDBC one), then {@code readOnly}, {@code r2dbc} and {@code dataSources}; never a secret
	 */
	public Report check(Duration timeout) {
		LakebaseConnector primaryConnector;
		ReadReplicaRoutingDataSource readOnlyRouting;
		LakebaseConnector readOnlyConnector;
		LakebaseConnector r2dbcConnector;
		Map<String, LakebaseConnector> namedConnectors;
		synchronized (this) {
			primaryConnector = this.primary;
			readOnlyRouting = this.readOnly;
			readOnlyConnector = this.readOnlyConnector;
			r2dbcConnector = this.r2dbc;
			namedConnectors = new LinkedHashMap<>(this.named);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<String, Object> details = new LinkedHashMap<>();
		List<String> down = new ArrayList<>();
		if (primaryConnector != null) {
			// The first check has the whole timeout: its report names it.
			LakebaseHealth health = primaryConnector.health(timeout);
			details.putAll(health.details());
			if (!health.up()) {
				down.add("primary");
			}
		}
		if (readOnlyRouting != null && readOnlyConnector != null) {
			LakebaseHealth health = readOnlyConnector.health(left(deadline));
			ReadReplicaRoutingDataSource.Status routing = readOnlyRouting.status();
			Map<String, Object> readOnlyDetails = component(health);
			Map<String, Object> fallback = new LinkedHashMap<>();
			fallback.put("enabled", routing.fallbackEnabled());
			fallback.put("active", routing.fallingBack());
			fallback.put("count", routing.fallbacks());
			if (routing.lastFallback() != null) {
				fallback.put("last", routing.lastFallback().toString());
			}
			readOnlyDetails.put("fallback", fallback);
			details.put("readOnly", readOnlyDetails);
			if (!health.up() && !routing.fallbackEnabled()) {
				down.add("readOnly");
			}
		}
		if (r2dbcConnector != null) {
			LakebaseHealth health = r2dbcConnector.health((primaryConnector != null) ? left(deadline) : timeout);
			if (primaryConnector == null) {
				details.putAll(health.details());
			}
			details.put("r2dbc", component(health));
			if (!health.up()) {
				down.add("r2dbc");
			}
		}
		if (!namedConnectors.isEmpty()) {
			Map<String, Object> dataSources = new LinkedHashMap<>();
			namedConnectors.forEach((name, connector) -> {
				LakebaseHealth health = connector.health(left(deadline));
				dataSources.put(name, component(health));
				if (!health.up()) {
					down.add(name);
				}
			});
			details.put("dataSources", dataSources);
		}
		return new Report(down.isEmpty(), details);
	}

	@Override
	public void destroy() {
		List<AutoCloseable> built;
		synchronized (this) {
			built = new ArrayList<>(this.named.values());
			built.addAll(this.otherCredentials.values());
		}
		// What the builder made; the auto-configured parts are beans, closed as beans.
		for (AutoCloseable closeable : built) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// Closing: nothing more to do with it.
			}
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

	/**
	 * The verdict of {@link #check(Duration)}.
	 *
	 * @param up whether every connection the application depends on can open connections
	 * @param details what the verdict rests on, never a secret
	 */
	public record Report(boolean up, Map<String, Object> details) {
	}

}
