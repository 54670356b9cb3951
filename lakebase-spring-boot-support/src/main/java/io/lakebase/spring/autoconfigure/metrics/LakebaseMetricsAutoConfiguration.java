package io.lakebase.spring.autoconfigure.metrics;

import java.time.Clock;

import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.jdbc.metrics.LakebaseCredentialMetrics;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the Lakebase credential meters, when Micrometer is present. Spring Boot's
 * metrics support binds them to the application's registries.
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

}
