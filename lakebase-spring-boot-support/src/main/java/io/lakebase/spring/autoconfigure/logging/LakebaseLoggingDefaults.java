package io.lakebase.spring.autoconfigure.logging;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Logging levels that keep secrets out of logs: the wire and header logs of the Apache HttpClient
 * inside the Databricks SDK stay at INFO, so that DEBUG or TRACE for the whole application
 * ({@code logging.level.root=debug}) cannot print bearer tokens, client secrets and database
 * credentials. The levels are defaults, added last: setting
 * {@code logging.level.org.apache.http.wire} or {@code logging.level.org.apache.http.headers}
 * explicitly still wins. Each Spring Boot line's environment post-processor applies them.
 */
public final class LakebaseLoggingDefaults {

	static final String PROPERTY_SOURCE_NAME = "lakebaseSecretSafeLogging";

	private static final Map<String, Object> LEVELS = Map.of("logging.level.org.apache.http.wire", "info",
			"logging.level.org.apache.http.headers", "info");

	private LakebaseLoggingDefaults() {
	}

	/**
	 * Adds the levels to an environment, when the Databricks SDK is on the class path.
	 * @param environment the environment
	 * @param classLoader the application's class loader
	 */
	public static void addTo(ConfigurableEnvironment environment, @Nullable ClassLoader classLoader) {
		if (ClassUtils.isPresent("com.databricks.sdk.WorkspaceClient", classLoader)
				&& !environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, LEVELS));
		}
	}

}
