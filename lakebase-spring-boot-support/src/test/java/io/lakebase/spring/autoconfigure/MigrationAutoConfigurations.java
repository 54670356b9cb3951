package io.lakebase.spring.autoconfigure;

/**
 * Auto-configurations that test applications of other concerns leave out: with Flyway and
 * Liquibase on a test class path, they would look for migrations those applications do not have;
 * Hibernate and Spring Data JDBC (there for the routing tests) would open connections at startup,
 * and R2DBC's transaction manager would make {@code @Transactional} ambiguous in the routing
 * tests' applications.
 */
public final class MigrationAutoConfigurations {

	public static final String FLYWAY_BOOT4 = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

	public static final String LIQUIBASE_BOOT4 = "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration";

	public static final String FLYWAY_BOOT3 = "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration";

	public static final String LIQUIBASE_BOOT3 = "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration";

	public static final String HIBERNATE_BOOT4 = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration";

	public static final String DATA_JDBC_BOOT4 = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration";

	public static final String DATA_JPA_BOOT4 = "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration";

	public static final String DATA_JPA_BOOT3 = "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration";

	public static final String HIBERNATE_BOOT3 = "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration";

	public static final String DATA_JDBC_BOOT3 = "org.springframework.boot.autoconfigure.data.jdbc.JdbcRepositoriesAutoConfiguration";

	public static final String R2DBC_TRANSACTIONS_BOOT4 = "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration";

	public static final String R2DBC_TRANSACTIONS_BOOT3 = "org.springframework.boot.autoconfigure.r2dbc.R2dbcTransactionManagerAutoConfiguration";

	private MigrationAutoConfigurations() {
	}

}
