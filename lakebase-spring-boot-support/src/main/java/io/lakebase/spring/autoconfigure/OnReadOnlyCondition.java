package io.lakebase.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when read replica routing is asked for: {@code lakebase.read-only.endpoint} or
 * {@code lakebase.read-only.host} has a value, or {@code lakebase.read-only.enabled} is true. An
 * empty value (an unset {@code ${LAKEBASE_READONLY_ENDPOINT:}} placeholder, say) counts as not set.
 */
class OnReadOnlyCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		for (String property : new String[] { "lakebase.read-only.endpoint", "lakebase.read-only.host" }) {
			if (StringUtils.hasText(environment.getProperty(property))) {
				return ConditionOutcome.match(property + " is set");
			}
		}
		if (environment.getProperty("lakebase.read-only.enabled", Boolean.class, false)) {
			return ConditionOutcome.match("lakebase.read-only.enabled is true");
		}
		return ConditionOutcome.noMatch("no read-only host is configured");
	}

}
