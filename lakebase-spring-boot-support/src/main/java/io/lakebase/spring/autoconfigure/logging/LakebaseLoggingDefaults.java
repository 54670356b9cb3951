package io.lakebase.spring.autoconfigure.logging;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Default logging levels for the Databricks SDK inside the starter:
 * <ul>
 * <li>Secrets stay out of logs: the wire and header logs of the Apache HttpClient inside the SDK
 * stay at INFO, so that DEBUG or TRACE for the whole application
 * ({@code logging.level.root=debug}) cannot print bearer tokens, client secrets and database
 * credentials.</li>
 * <li>Failures are reported once: the SDK's token source logs its own ERROR with a stack trace
 * for a token it could not get, before the starter's failure report (or health detail, or
 * warning) says the same thing clearly; it is off.</li>
 * <li>Routine start-up chatter goes: the SDK's "Trying pat auth / basic auth / oauth-m2m auth"
 * lines of every start are at WARN.</li>
 * </ul>
 * The levels are defaults, added last: setting one of these loggers' levels explicitly still
 * wins. Each Spring Boot line's environment post-processor applies them.
 */
public final class LakebaseLoggingDefaults {

	static final String PROPERTY_SOURCE_NAME = "lakebaseLoggingDefaults";

	private static final Map<String, Object> LEVELS = Map.of("logging.level.org.apache.http.wire", "info",
			"logging.level.org.apache.http.headers", "info",
			"logging.level.com.databricks.sdk.core.oauth.CachedTokenSource", "off",
			"logging.level.com.databricks.sdk.core.DefaultCredentialsProvider", "warn");

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
