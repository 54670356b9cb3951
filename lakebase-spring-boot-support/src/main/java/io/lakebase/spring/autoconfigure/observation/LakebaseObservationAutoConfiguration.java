package io.lakebase.spring.autoconfigure.observation;

import io.lakebase.jdbc.LakebaseObserver;
import io.lakebase.jdbc.observation.LakebaseObservations;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Micrometer Observations of each credential fetch, lookup and login
 * ({@link LakebaseObservations}): spans when tracing is set up, timers in metrics. The application's
 * {@link ObservationRegistry} is taken when the Lakebase beans are made, whatever the order of the
 * auto-configurations; without one, nothing is observed.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class)
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(LakebaseConnectionDetails.class)
public final class LakebaseObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LakebaseObserver lakebaseObserver(ObjectProvider<ObservationRegistry> registry) {
		ObservationRegistry found = registry.getIfAvailable();
		return (found != null) ? new LakebaseObservations(found) : LakebaseObserver.NONE;
	}

}
