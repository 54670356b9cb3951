package io.lakebase.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches when {@code lakebase.endpoint} or {@code lakebase.instance} is set: without either the
 * application stays a plain Spring Boot application.
 */
class OnLakebaseTargetCondition extends AnyNestedCondition {

	OnLakebaseTargetCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnProperty("lakebase.endpoint")
	static class EndpointSet {

	}

	@ConditionalOnProperty("lakebase.instance")
	static class InstanceSet {

	}

}
