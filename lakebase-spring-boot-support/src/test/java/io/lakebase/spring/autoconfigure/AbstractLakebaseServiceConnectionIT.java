package io.lakebase.spring.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a Testcontainers {@code @ServiceConnection} PostgreSQL, the way a team tests against a
 * plain PostgreSQL, the starter backs off although {@code lakebase.*} is set, and the application
 * uses the container. Needs Docker: skipped without it. Run on each Spring Boot line by a subclass.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = AbstractLakebaseServiceConnectionIT.TestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "lakebase.endpoint=projects/shop/branches/main/endpoints/primary",
				"lakebase.workspace.host=http://127.0.0.1:9", "lakebase.workspace.token=dapi-unused" })
public abstract class AbstractLakebaseServiceConnectionIT {

	@Container
	@ServiceConnection
	static final PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:17");

	@Autowired
	private ApplicationContext context;

	@Autowired
	private DataSource dataSource;

	@Test
	void theStarterBacksOffAndTheApplicationUsesTheContainer() {
		assertThat(this.context.getBeanNamesForType(LakebasePrimaryConnection.class)).isEmpty();
		assertThat(((HikariDataSource) this.dataSource).getJdbcUrl()).isEqualTo(postgres.getJdbcUrl());
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT current_user", String.class))
			.isEqualTo(postgres.getUsername());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.FLYWAY_BOOT4,
			MigrationAutoConfigurations.LIQUIBASE_BOOT4, MigrationAutoConfigurations.FLYWAY_BOOT3,
			MigrationAutoConfigurations.LIQUIBASE_BOOT3, MigrationAutoConfigurations.HIBERNATE_BOOT4,
			MigrationAutoConfigurations.DATA_JDBC_BOOT4, MigrationAutoConfigurations.HIBERNATE_BOOT3,
			MigrationAutoConfigurations.DATA_JDBC_BOOT3, MigrationAutoConfigurations.DATA_JPA_BOOT4,
			MigrationAutoConfigurations.DATA_JPA_BOOT3 })
	static class TestApplication {

	}

}
