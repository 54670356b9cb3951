package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.ReadReplicaDataSource;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * Routes the application's work by transaction: read-only transactions
 * ({@code @Transactional(readOnly = true)}, or {@code Connection.setReadOnly(true)} before first
 * use) to the read replica's pool, with fallback to the primary, everything else to the primary.
 * Spring's {@link LazyConnectionDataSourceProxy} picks the pool at the first statement, once the
 * transaction's read-only flag is known.
 */
final class LakebaseReadOnlyRouting {

	private final LakebaseConnector replicaConnector;

	private final HikariDataSource replicaPool;

	private final boolean fallback;

	private final LakebaseDataSources dataSources;

	LakebaseReadOnlyRouting(LakebaseConnector replicaConnector, HikariDataSource replicaPool, boolean fallback,
			LakebaseDataSources dataSources) {
		this.replicaConnector = replicaConnector;
		this.replicaPool = replicaPool;
		this.fallback = fallback;
		this.dataSources = dataSources;
	}

	/**
	 * Returns the application's data source: the primary pool, with read-only transactions routed
	 * to the replica. {@code unwrap(HikariDataSource.class)} still reaches the primary pool.
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
		ReadReplicaDataSource readOnly = new ReadReplicaDataSource(this.replicaPool, this.replicaConnector, primary,
				this.fallback);
		this.dataSources.readOnly(readOnly);
		LazyConnectionDataSourceProxy routing = new LazyConnectionDataSourceProxy();
		routing.setTargetDataSource(primary);
		routing.setReadOnlyDataSource(readOnly);
		// Known from the pool's settings: no connection is opened to find them out.
		routing.setDefaultAutoCommit(primary.isAutoCommit());
		routing.afterPropertiesSet();
		return routing;
	}

}
