package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConfigurationException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns the core's {@link LakebaseConfigurationException} into Spring Boot's own
 * {@link InvalidConfigurationPropertyValueException}, whose report shows where the value came from
 * (file and line, environment variable) and any other source that sets it too. A setting without a
 * value stays as it is, for {@link InvalidLakebasePropertyFailureAnalyzer}.
 */
final class LakebasePropertyFailures {

	private LakebasePropertyFailures() {
	}

	static RuntimeException of(LakebaseConfigurationException failure) {
		if (failure.getValue() == null) {
			return failure;
		}
		String description = failure.getMessage();
		// Boot 3.5's exception takes no cause: the reason carries the whole of the core's message.
		return new InvalidConfigurationPropertyValueException("lakebase." + failure.getSetting(), failure.getValue(),
				(description.endsWith(".") ? description : description + ".") + " " + failure.getAction());
	}

}
