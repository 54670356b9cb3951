package io.lakebase.spring.autoconfigure;

import java.util.function.Predicate;

import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnector;

/**
 * The startup check of a connector ({@code lakebase.fail-fast}): resolve, obtain a credential and
 * log in once, before the pool exists and so before anything (a schema migration, say) uses it, so
 * that a misconfiguration fails the start with a report naming the property.
 */
final class LakebaseStartupCheck {

	private LakebaseStartupCheck() {
	}

	/**
	 * Runs the check when {@code lakebase.fail-fast} is on. A failure closes the connector and is
	 * rethrown, a configuration failure as Spring Boot's property exception, unless tolerated.
	 * @param connector the connector to check
	 * @param properties the Lakebase properties
	 * @param tolerated which failures let the start go on
	 */
	static void run(LakebaseConnector connector, LakebaseProperties properties, Predicate<RuntimeException> tolerated) {
		if (!properties.isFailFast()) {
			return;
		}
		try {
			connector.verify(properties.getStartupTimeout());
		}
		catch (RuntimeException ex) {
			if (tolerated.test(ex)) {
				return;
			}
			connector.close();
			throw (ex instanceof LakebaseConfigurationException configuration) ? LakebasePropertyFailures.of(configuration)
					: ex;
		}
	}

}
