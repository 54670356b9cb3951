package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConnectionException;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseDataSource;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

/**
 * Makes Boot's Hikari {@code dataSource} open its physical connections through a
 * {@link LakebaseLoginDataSource} of its own on the {@link LakebasePrimaryConnection} (the cached
 * credential, replaced once when refused), and shortens its {@code maxLifetime} to 45 minutes
 * unless the user set one, so that connections are renewed well within Lakebase's limits. After the
 * startup check ({@code lakebase.fail-fast}), which ran on the primary connection before the pool
 * existed, it starts the pool, so that the first request finds connections ready. With
 * {@code lakebase.read-only.*}, the primary's logins get PgJDBC's {@code readOnlyMode=always} and
 * the bean becomes the routing data source over the primary pool and the replica's
 * ({@link LakebaseReadOnlyRouting}).
 */
final class LakebaseDataSourceBeanPostProcessor implements BeanPostProcessor, PriorityOrdered {

	private final ObjectProvider<LakebasePrimaryConnection> connection;

	private final ObjectProvider<LakebaseProperties> properties;

	private final ObjectProvider<LakebaseReadOnlyRouting> readOnlyRouting;

	private final Environment environment;

	LakebaseDataSourceBeanPostProcessor(ObjectProvider<LakebasePrimaryConnection> connection,
			ObjectProvider<LakebaseProperties> properties, ObjectProvider<LakebaseReadOnlyRouting> readOnlyRouting,
			Environment environment) {
		this.connection = connection;
		this.properties = properties;
		this.readOnlyRouting = readOnlyRouting;
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof HikariDataSource dataSource && "dataSource".equals(beanName)) {
			ConflictingConnectionProperties.checkTls(this.environment, "spring.datasource.hikari.data-source-properties",
					dataSource.getDataSourceProperties());
			// Hikari hands spring.datasource.hikari.data-source-properties only to a DataSource it
			// creates itself: the login data source takes them over.
			dataSource.setDataSource(this.connection.getObject().loginDataSource(dataSource.getDataSourceProperties()));
			if (!this.environment.containsProperty("spring.datasource.hikari.max-lifetime")) {
				dataSource.setMaxLifetime(LakebaseDataSource.DEFAULT_MAX_LIFETIME.toMillis());
			}
			// Without the startup check, the pool starts empty rather than failing the first
			// request when Lakebase or the workspace is briefly unavailable; requests then wait for
			// a connection up to Hikari's connection timeout.
			if (!failFast() && !this.environment.containsProperty("spring.datasource.hikari.initialization-fail-timeout")) {
				dataSource.setInitializationFailTimeout(-1);
			}
			boolean pooled = this.properties.getObject().isPooled();
			if (pooled) {
				PooledSessionState.refuse(dataSource);
			}
			LakebaseReadOnlyRouting routing = this.readOnlyRouting.getIfAvailable();
			// readOnlyMode=always sets the session read-only: through a transaction-mode pooler,
			// some other client's session.
			if (routing != null && !pooled) {
				routing.preparePrimary(dataSource);
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof HikariDataSource dataSource) || !"dataSource".equals(beanName)) {
			return bean;
		}
		boolean failFast = failFast();
		if (failFast) {
			try (Connection opened = dataSource.getConnection()) {
				// Open: the pool fills in the background.
			}
			catch (SQLException ex) {
				throw new LakebaseConnectionException(this.connection.getObject().resolver().resolve(), ex);
			}
		}
		LakebaseReadOnlyRouting routing = this.readOnlyRouting.getIfAvailable();
		return (routing != null) ? routing.route(dataSource, failFast) : dataSource;
	}

	private boolean failFast() {
		LakebaseProperties bound = this.properties.getIfAvailable();
		return bound == null || bound.isFailFast();
	}

	@Override
	public int getOrder() {
		// Runs after ConfigurationPropertiesBindingPostProcessor (which binds spring.datasource.hikari.*)
		// and after Boot's HikariJdbcConnectionDetailsBeanPostProcessor (which sets URL and user).
		return Ordered.HIGHEST_PRECEDENCE + 3;
	}

}
