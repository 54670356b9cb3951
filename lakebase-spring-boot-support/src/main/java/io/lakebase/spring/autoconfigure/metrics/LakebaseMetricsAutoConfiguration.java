package io.lakebase.spring.autoconfigure.metrics;

import java.time.Clock;

import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.metrics.LakebaseCredentialMetrics;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.spring.autoconfigure.LakebaseDataSources;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

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
	@ConditionalOnBean(name = "lakebaseReadOnlyConnector")
	MeterBinder lakebaseReadOnlyMetrics(@Qualifier("lakebaseReadOnlyConnector") LakebaseConnector readOnlyConnector,
			LakebaseDataSources dataSources) {
		LakebaseTarget target = readOnlyConnector.settings().target();
		return (registry) -> FunctionCounter
			.builder("lakebase.read-only.fallbacks", dataSources,
					(sources) -> sources.readOnly().map((routing) -> routing.status().fallbacks()).orElse(0L))
			.description("Read-only connections the primary gave because the read replica could not")
			.tag(target.kind(), target.name())
			.register(registry);
	}

}
