package io.lakebase.spring.autoconfigure.logging;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Keeps the wire and header logs of the Apache HttpClient inside the Databricks SDK at INFO, so
 * that DEBUG or TRACE for the whole application ({@code logging.level.root=debug}) cannot print
 * bearer tokens, client secrets and database credentials. The levels are defaults: setting
 * {@code logging.level.org.apache.http.wire} or {@code logging.level.org.apache.http.headers}
 * explicitly still wins.
 */
public class LakebaseLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "lakebaseSecretSafeLogging";

	private static final Map<String, Object> LEVELS = Map.of("logging.level.org.apache.http.wire", "info",
			"logging.level.org.apache.http.headers", "info");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (ClassUtils.isPresent("com.databricks.sdk.WorkspaceClient", application.getClassLoader())) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, LEVELS));
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
