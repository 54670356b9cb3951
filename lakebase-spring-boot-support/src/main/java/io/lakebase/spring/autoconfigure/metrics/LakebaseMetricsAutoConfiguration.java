package io.lakebase.spring.autoconfigure.metrics;

import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.metrics.LakebaseCredentialMetrics;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the Lakebase meters, when Micrometer is present: the credential meters
 * and, with a read replica, the count of read-only connections the primary gave instead
 * ({@code lakebase.read-only.fallbacks}). Spring Boot's metrics support binds them to the
 * application's registries; Boot's Hikari meters cover every pool, the replica's included.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(LakebaseConnectionDetails.class)
public final class LakebaseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LakebaseCredentialMetrics lakebaseCredentialMetrics(LakebaseConnectionDetails connectionDetails) {
		return new LakebaseCredentialMetrics(connectionDetails.getSettings().target(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnBean(name = "lakebaseReadOnlyResolver")
	MeterBinder lakebaseReadOnlyMetrics(@Qualifier("lakebaseReadOnlyResolver") LakebaseResolver readOnlyResolver,
			BeanFactory beanFactory) {
		LakebaseTarget target = readOnlyResolver.target();
		return (registry) -> FunctionCounter
			.builder("lakebase.read-only.fallbacks", beanFactory, LakebaseMetricsAutoConfiguration::fallbacks)
			.description("Read-only connections the primary gave because the read replica could not")
			.tag(target.kind(), target.name())
			.register(registry);
	}

	// The routing is the application's dataSource bean, once the post-processor made it.
	private static double fallbacks(BeanFactory beanFactory) {
		try {
			DataSource dataSource = beanFactory.getBean("dataSource", DataSource.class);
			return dataSource.isWrapperFor(ReadReplicaRoutingDataSource.class)
					? dataSource.unwrap(ReadReplicaRoutingDataSource.class).status().fallbacks() : 0;
		}
		catch (SQLException | BeansException ex) {
			return 0;
		}
	}

}
