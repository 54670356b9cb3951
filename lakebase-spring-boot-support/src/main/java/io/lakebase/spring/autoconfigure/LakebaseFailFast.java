package io.lakebase.spring.autoconfigure;

import java.util.function.Predicate;

import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseStartupCheck;

/**
 * Runs the core's {@link LakebaseStartupCheck} when {@code lakebase.fail-fast} is on, before a pool
 * exists and so before anything (a schema migration, say) uses it, so that a misconfiguration
 * fails the start with a report naming the property.
 */
final class LakebaseFailFast {

	private LakebaseFailFast() {
	}

	/**
	 * Checks a login data source when {@code lakebase.fail-fast} is on. A failure is rethrown, a
	 * configuration failure as Spring Boot's property exception, unless tolerated.
	 * @param logins what to check
	 * @param properties the Lakebase properties
	 * @param tolerated which failures let the start go on
	 */
	static void check(LakebaseLoginDataSource logins, LakebaseProperties properties,
			Predicate<RuntimeException> tolerated) {
		if (!properties.isFailFast()) {
			return;
		}
		try {
			LakebaseStartupCheck.verify(logins, properties.getStartupTimeout());
		}
		catch (RuntimeException ex) {
			if (tolerated.test(ex)) {
				return;
			}
			throw (ex instanceof LakebaseConfigurationException configuration) ? LakebasePropertyFailures.of(configuration)
					: ex;
		}
	}

}
