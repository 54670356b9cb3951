package io.lakebase.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code lakebase.enabled} is not {@code false} and {@code lakebase.endpoint},
 * {@code lakebase.project} or {@code lakebase.instance} has a value, or when any
 * other {@code lakebase.*} property is present (but {@code lakebase.test.*}, the test branches'
 * settings): a half-written Lakebase configuration must fail
 * with a report naming the missing property rather than start without Lakebase. Without any
 * {@code lakebase.*} property the application stays a plain Spring Boot application. An empty
 * endpoint or instance (an unset {@code ${ENDPOINT_NAME:}} placeholder, say) counts as not set.
 * {@code lakebase.enabled} must be {@code true} or {@code false}: another value (Spring reads
 * {@code yes}, {@code on} and {@code 1} as true in some places and not in others) fails the start
 * with a report naming it, rather than switching the starter off without a word.
 */
class OnLakebaseTargetCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName LAKEBASE = ConfigurationPropertyName.of("lakebase");

	private static final ConfigurationPropertyName ENABLED = ConfigurationPropertyName.of("lakebase.enabled");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		String enabled = environment.getProperty("lakebase.enabled");
		if (enabled != null && !enabled.isBlank()) {
			if (enabled.trim().equalsIgnoreCase("false")) {
				return ConditionOutcome.noMatch("lakebase.enabled is false");
			}
			if (!enabled.trim().equalsIgnoreCase("true")) {
				throw new InvalidConfigurationPropertyValueException("lakebase.enabled", enabled,
						"It must be true or false. Set lakebase.enabled=false to connect with spring.datasource.* "
								+ "instead, or remove it (true) to connect to Lakebase.");
			}
		}
		for (String property : new String[] { "lakebase.endpoint", "lakebase.project", "lakebase.instance" }) {
			if (StringUtils.hasText(environment.getProperty(property))) {
				return ConditionOutcome.match(property + " is set");
			}
		}
		for (var source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				ConfigurationPropertyName other = iterable.stream()
					.filter((name) -> LAKEBASE.isAncestorOf(name) && !ENABLED.equals(name)
							&& !LakebasePropertyNames.TEST_BRANCH.isAncestorOf(name))
					.findFirst()
					.orElse(null);
				if (other != null) {
					return ConditionOutcome.match(other + " is set without lakebase.endpoint or lakebase.instance");
				}
			}
		}
		return ConditionOutcome.noMatch("no lakebase.* property is set");
	}

}
