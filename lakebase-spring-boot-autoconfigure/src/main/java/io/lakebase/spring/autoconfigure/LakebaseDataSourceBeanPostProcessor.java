package io.lakebase.spring.autoconfigure;

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
 * Points Boot's Hikari {@code dataSource} at the credential cache, shortens its
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
			dataSource.setCredentialsProvider(
					new LakebaseHikariCredentialsProvider(this.details.getObject(), this.cache.getObject()));
			if (!Binder.get(this.environment).bind("spring.datasource.hikari.max-lifetime", Long.class).isBound()) {
				dataSource.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
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
