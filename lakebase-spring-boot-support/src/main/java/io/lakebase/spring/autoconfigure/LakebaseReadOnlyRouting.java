package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Routes the application's work by transaction: read-only transactions
 * ({@code @Transactional(readOnly = true)}, or {@code Connection.setReadOnly(true)} before the
 * first statement) to the read replica's pool, with fallback to the primary, everything else to
 * the primary, through the core's {@link ReadReplicaRoutingDataSource}, which decides again at
 * each transaction boundary of a connection held across transactions (JPA's open-in-view).
 */
final class LakebaseReadOnlyRouting implements DisposableBean {

	/** The PgJDBC property that makes a read-only connection refuse auto-commit writes too. */
	static final String READ_ONLY_MODE = "readOnlyMode";

	private final LakebaseTarget replicaTarget;

	private final HikariDataSource replicaPool;

	private final boolean fallback;

	private final Duration retryAfter;

	private volatile @Nullable ReadReplicaRoutingDataSource routing;

	private volatile @Nullable HikariDataSource primary;

	LakebaseReadOnlyRouting(LakebaseTarget replicaTarget, HikariDataSource replicaPool, boolean fallback,
			Duration retryAfter) {
		this.replicaTarget = replicaTarget;
		this.replicaPool = replicaPool;
		this.fallback = fallback;
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns the routing, once the primary's {@code dataSource} was wrapped in it.
	 * @return the routing
	 */
	Optional<ReadReplicaRoutingDataSource> routing() {
		return Optional.ofNullable(this.routing);
	}

	/**
	 * Returns the replica's target, for meters.
	 * @return the target
	 */
	LakebaseTarget replicaTarget() {
		return this.replicaTarget;
	}

	/**
	 * Returns the replica's pool.
	 * @return the pool
	 */
	HikariDataSource replicaPool() {
		return this.replicaPool;
	}

	/**
	 * Makes the primary's logins read-only in auto-commit too when a connection is marked
	 * read-only (PgJDBC {@code readOnlyMode=always}, unless set), so that read-only work that
	 * falls back to the primary cannot write there, whatever its mode. Hikari resets the flag of
	 * a connection given back, and PgJDBC the session's read-only setting with it.
	 * @param primary the primary pool, before it starts
	 */
	void preparePrimary(HikariDataSource primary) {
		Properties properties = primary.getDataSourceProperties();
		if (!properties.containsKey(READ_ONLY_MODE)) {
			properties.setProperty(READ_ONLY_MODE, "always");
		}
	}

	/**
	 * Returns the application's data source: the routing over the primary pool and the replica's.
	 * {@code unwrap(HikariDataSource.class)} still reaches the primary pool.
	 * @param primary the primary pool
	 * @param start whether to start the replica's pool now (with the startup check)
	 * @return the routing data source
	 */
	DataSource route(HikariDataSource primary, boolean start) {
		if (start) {
			// As the primary's: the first read finds connections ready.
			try (Connection connection = this.replicaPool.getConnection()) {
				// Open: the pool fills in the background.
			}
			catch (SQLException ex) {
				// Reported by the startup check; the fallback, or the read, deals with it.
			}
		}
		// Known from the pools' settings: no connection is opened to find them out.
		ReadReplicaRoutingDataSource routing = ReadReplicaRoutingDataSource.builder(primary, this.replicaPool)
			.fallback(this.fallback)
			.retryAfter(this.retryAfter)
			.defaultAutoCommit(primary.isAutoCommit())
			.defaultTransactionIsolation(isolationLevel(primary.getTransactionIsolation()))
			.name(this.replicaTarget.toString())
			.build();
		this.routing = routing;
		this.primary = primary;
		return routing;
	}

	/**
	 * Closes the primary pool: the {@code dataSource} bean is the routing, which has nothing to
	 * close, so Spring would leave the pool it replaced open. The replica's pool is a bean of its
	 * own.
	 */
	@Override
	public void destroy() {
		HikariDataSource routed = this.primary;
		if (routed != null) {
			routed.close();
		}
	}

	/**
	 * Opens a read-your-writes scope on the current thread ({@link ReadReplicaRoutingDataSource#openScope()}).
	 * @return the scope, or {@code null} before the routing exists
	 */
	ReadReplicaRoutingDataSource.@Nullable Scope openScope() {
		ReadReplicaRoutingDataSource current = this.routing;
		return (current != null) ? current.openScope() : null;
	}

	// Hikari takes the JDBC constant's name (TRANSACTION_READ_COMMITTED) or its number.
	static @Nullable Integer isolationLevel(@Nullable String hikariIsolation) {
		if (hikariIsolation == null || hikariIsolation.isBlank()) {
			return null;
		}
		String level = hikariIsolation.trim().toUpperCase();
		return switch (level) {
			case "TRANSACTION_NONE" -> Connection.TRANSACTION_NONE;
			case "TRANSACTION_READ_UNCOMMITTED" -> Connection.TRANSACTION_READ_UNCOMMITTED;
			case "TRANSACTION_READ_COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
			case "TRANSACTION_REPEATABLE_READ" -> Connection.TRANSACTION_REPEATABLE_READ;
			case "TRANSACTION_SERIALIZABLE" -> Connection.TRANSACTION_SERIALIZABLE;
			default -> {
				try {
					yield Integer.valueOf(level);
				}
				catch (NumberFormatException ex) {
					// Hikari refuses it when the pool starts; the connection answers meanwhile.
					yield null;
				}
			}
		};
	}

}
