package io.lakebase.spring.autoconfigure;

/**
 * Auto-configurations that test applications of other concerns leave out: with Flyway and
 * Liquibase on a test class path, they would look for migrations those applications do not have.
 */
final class MigrationAutoConfigurations {

	static final String FLYWAY_BOOT4 = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

	static final String LIQUIBASE_BOOT4 = "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration";

	static final String FLYWAY_BOOT3 = "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration";

	static final String LIQUIBASE_BOOT3 = "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration";

	private MigrationAutoConfigurations() {
	}

}
