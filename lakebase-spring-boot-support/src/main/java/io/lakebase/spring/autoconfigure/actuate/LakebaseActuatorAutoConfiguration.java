package io.lakebase.spring.autoconfigure.actuate;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that keeps Databricks and Lakebase secrets out of the actuator endpoints,
 * when Spring Boot's actuator is present.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LakebaseActuatorAutoConfiguration {

	@Bean
	LakebaseSanitizingFunction lakebaseSanitizingFunction() {
		return new LakebaseSanitizingFunction();
	}

}
