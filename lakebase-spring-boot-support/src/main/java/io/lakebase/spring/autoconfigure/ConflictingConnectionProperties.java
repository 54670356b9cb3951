package io.lakebase.spring.autoconfigure;

import java.util.List;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Refuses Spring Boot's own connection properties while the Lakebase connection is active: Boot's
 * pool then takes its URL, user and password from Lakebase, and these would be silently ignored
 * (or, for the {@code hikari} ones, would quietly replace what Lakebase set).
 */
enum ConflictingConnectionProperties {

	/** {@code spring.datasource.*}, for the JDBC data source. */
	JDBC("spring.datasource", List.of("spring.datasource.url", "spring.datasource.username",
			"spring.datasource.password", "spring.datasource.hikari.jdbc-url", "spring.datasource.hikari.username",
			"spring.datasource.hikari.password")),

	/** {@code spring.r2dbc.*}, for the R2DBC connection factory. */
	R2DBC("spring.r2dbc", List.of("spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password"));

	private final String prefix;

	private final List<String> connectionProperties;

	ConflictingConnectionProperties(String prefix, List<String> connectionProperties) {
		this.prefix = prefix;
		this.connectionProperties = connectionProperties;
	}

	/**
	 * Fails when one of these connection properties is set.
	 * @param environment the environment
	 * @param target the Lakebase property that made the connection active, such as
	 * {@code lakebase.endpoint}
	 * @throws InvalidConfigurationPropertyValueException for the first such property
	 */
	void check(Environment environment, String target) {
		List<String> set = this.connectionProperties.stream()
			.filter((name) -> StringUtils.hasText(environment.getProperty(name)))
			.toList();
		if (set.isEmpty()) {
			return;
		}
		String name = set.get(0);
		// Never a password in a report.
		String value = name.endsWith("password") ? "******" : environment.getProperty(name);
		throw new InvalidConfigurationPropertyValueException(name, value, String.join(", ", set)
				+ ((set.size() > 1) ? " are" : " is") + " set, and so is " + target + ": the Lakebase connection "
				+ "wins, and " + this.prefix + ".url, username and password are not used while it is active. "
				+ "Remove them to connect to Lakebase, or set lakebase.enabled=false to connect with " + this.prefix
				+ ".* instead.");
	}

}
