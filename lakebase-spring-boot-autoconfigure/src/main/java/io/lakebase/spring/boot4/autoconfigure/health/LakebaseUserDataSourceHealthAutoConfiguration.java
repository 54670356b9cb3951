package io.lakebase.spring.boot4.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lakebase.spring.autoconfigure.onbehalfof.LakebaseOnBehalfOfAutoConfiguration;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * Keeps the user data source of connections on behalf of users out of Boot's {@code db} health
 * contributor: it lends connections only for a signed-in user's request, so a health check, which
 * has no user, would always find it DOWN (401) and take the application out of service. The
 * users' pools come and go with their users; the {@code lakebase} indicator counts them.
 */
@AutoConfiguration(after = LakebaseOnBehalfOfAutoConfiguration.class)
@ConditionalOnClass(CompositeHealthContributor.class)
@ConditionalOnBooleanProperty("lakebase.on-behalf-of.enabled")
public final class LakebaseUserDataSourceHealthAutoConfiguration {

	static final String USER_DATA_SOURCE = "lakebaseUserDataSource";

	// Runs after Boot's dbHealthContributor is made from every DataSource bean, by name.
	@Bean
	static BeanPostProcessor lakebaseUserDataSourceHealthExclusion() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return "dbHealthContributor".equals(beanName) && bean instanceof CompositeHealthContributor composite
						? withoutUserDataSource(composite) : bean;
			}

		};
	}

	static HealthContributor withoutUserDataSource(CompositeHealthContributor composite) {
		if (composite.getContributor(USER_DATA_SOURCE) == null) {
			return composite;
		}
		Map<String, HealthContributor> others = new LinkedHashMap<>();
		composite.stream().filter((entry) -> !entry.name().equals(USER_DATA_SOURCE)).forEach((entry) -> others.put(entry.name(), entry.contributor()));
		// One data source left: the shape Boot gives a single data source.
		return (others.size() == 1) ? others.values().iterator().next() : CompositeHealthContributor.fromMap(others);
	}

}
