package io.lakebase.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code lakebase.endpoint} or {@code lakebase.instance} has a value: without either
 * the application stays a plain Spring Boot application. An empty value (an unset
 * {@code ${ENDPOINT_NAME:}} placeholder, say) counts as not set.
 */
class OnLakebaseTargetCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		for (String property : new String[] { "lakebase.endpoint", "lakebase.instance" }) {
			if (StringUtils.hasText(environment.getProperty(property))) {
				return ConditionOutcome.match(property + " is set");
			}
		}
		return ConditionOutcome.noMatch("neither lakebase.endpoint nor lakebase.instance is set");
	}

}
