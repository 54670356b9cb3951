package io.lakebase.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

/**
 * Makes Boot's Hikari {@code dataSource} log in through a {@link LakebaseLoginDataSource} (the
 * cached credential, retried once with a fresh one when rejected), shortens its
 * {@code maxLifetime} to 45 minutes unless the user set one, so that connections are renewed well
 * within Lakebase's limits, and runs the startup check (when enabled) as soon as it is built.
 */
final class LakebaseDataSourceBeanPostProcessor implements BeanPostProcessor, PriorityOrdered {

	static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(45);

	private final ObjectProvider<LakebaseConnectionDetails> details;

	private final ObjectProvider<LakebaseCredentialCache> cache;

	private final ObjectProvider<LakebaseStartupCheck> startupCheck;

	private final Environment environment;

	LakebaseDataSourceBeanPostProcessor(ObjectProvider<LakebaseConnectionDetails> details,
			ObjectProvider<LakebaseCredentialCache> cache, ObjectProvider<LakebaseStartupCheck> startupCheck,
			Environment environment) {
		this.details = details;
		this.cache = cache;
		this.startupCheck = startupCheck;
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof HikariDataSource dataSource && "dataSource".equals(beanName)) {
			// Hikari opens physical connections through this data source rather than its own
			// DriverDataSource: the jdbcUrl stays set for Boot's and Hikari's diagnostics.
			dataSource.setDataSource(new LakebaseLoginDataSource(dataSource.getJdbcUrl(),
					dataSource.getDataSourceProperties(), this.details.getObject(), this.cache.getObject(),
					Clock.systemUTC()));
			Binder binder = Binder.get(this.environment);
			if (!binder.bind("spring.datasource.hikari.max-lifetime", Long.class).isBound()) {
				dataSource.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
			}
			// Without the startup check, the pool starts empty rather than failing the first
			// request when the credential API is briefly unavailable; requests then wait for a
			// connection up to Hikari's connection timeout.
			if (this.startupCheck.getIfAvailable() == null
					&& !binder.bind("spring.datasource.hikari.initialization-fail-timeout", Long.class).isBound()) {
				dataSource.setInitializationFailTimeout(-1);
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof HikariDataSource dataSource && "dataSource".equals(beanName)) {
			this.startupCheck.ifAvailable((check) -> check.check(dataSource));
		}
		return bean;
	}

	@Override
	public int getOrder() {
		// Runs after ConfigurationPropertiesBindingPostProcessor (which binds spring.datasource.hikari.*)
		// and after Boot's HikariJdbcConnectionDetailsBeanPostProcessor (which sets URL and user).
		return Ordered.HIGHEST_PRECEDENCE + 3;
	}

}
