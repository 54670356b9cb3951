package io.lakebase.spring.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Refuses, with {@code lakebase.pooled}, the pool settings that set session state: the pooler's
 * transaction mode runs the next transaction on any server session, and hands the session that
 * kept the setting to another client's transaction.
 */
final class PooledSessionState {

	private static final String REASON = " sets session state, which the pooler's transaction mode does not keep: "
			+ "the next transaction may run on another server session, and this setting leaks to another client. "
			+ "Remove it, or remove lakebase.pooled.";

	private PooledSessionState() {
	}

	/**
	 * Checks the properties, before anything connects.
	 * @param environment the environment
	 */
	static void refuse(Environment environment) {
		refuse(environment.getProperty("spring.datasource.hikari.schema"),
				environment.getProperty("spring.datasource.hikari.transaction-isolation"),
				environment.getProperty("spring.datasource.hikari.connection-init-sql"));
	}

	/**
	 * Checks a pool, however it was configured.
	 * @param dataSource the pool
	 */
	static void refuse(HikariDataSource dataSource) {
		refuse(dataSource.getSchema(), dataSource.getTransactionIsolation(), dataSource.getConnectionInitSql());
	}

	private static void refuse(@Nullable String schema, @Nullable String isolation, @Nullable String initSql) {
		if (schema != null) {
			throw new InvalidConfigurationPropertyValueException("spring.datasource.hikari.schema", schema,
					"The schema" + REASON + " Qualify table names, or set the role's search_path on the server "
							+ "(ALTER ROLE ... SET search_path).");
		}
		if (isolation != null) {
			throw new InvalidConfigurationPropertyValueException("spring.datasource.hikari.transaction-isolation",
					isolation, "The default transaction isolation" + REASON
							+ " Set the isolation per transaction (@Transactional(isolation = ...)) instead.");
		}
		if (initSql != null) {
			throw new InvalidConfigurationPropertyValueException("spring.datasource.hikari.connection-init-sql",
					initSql, "SQL run once per connection" + REASON);
		}
	}

}
