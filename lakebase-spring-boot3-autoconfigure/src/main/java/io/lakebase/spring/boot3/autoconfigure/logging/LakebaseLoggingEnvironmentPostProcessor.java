package io.lakebase.spring.boot3.autoconfigure.logging;

import io.lakebase.spring.autoconfigure.logging.LakebaseLoggingDefaults;

import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Applies {@link LakebaseLoggingDefaults} before logging is set up.
 */
public class LakebaseLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		LakebaseLoggingDefaults.addTo(environment, application.getClassLoader());
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
