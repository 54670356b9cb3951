package io.lakebase.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Schema migrations with the starter, in a whole application with every auto-configuration on the
 * class path: Flyway and Liquibase run after the startup check, through the Lakebase
 * {@code DataSource}, logged in with its cached credential. Run on each Spring Boot line by a
 * subclass, whose test class path holds Flyway and Liquibase.
 */
public abstract class AbstractLakebaseMigrationIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@Test
	void flywayAndLiquibaseMigrateThroughTheLakebaseDataSource() {
		long credentialsBefore = lakebase.get().stats().credentialRequests();
		try (ConfigurableApplicationContext context = start(Map.of())) {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource()).isSameAs(dataSource);
			assertThat(context.getBean(SpringLiquibase.class).getDataSource()).isSameAs(dataSource);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			String role = lakebase.get().defaultIdentity().name();
			assertThat(jdbc.queryForObject("SELECT who FROM flyway_migrations.flyway_who", String.class)).isEqualTo(role);
			assertThat(jdbc.queryForObject("SELECT who FROM liquibase_who", String.class)).isEqualTo(role);
			// One credential, the startup check's, served both migrations and the pool.
			assertThat(lakebase.get().stats().credentialRequests() - credentialsBefore).isEqualTo(1);
		}
	}

	@Test
	void flywayWithAUrlOfItsOwnConnectsWithoutALakebaseCredential() {
		// spring.flyway.url makes Flyway build its own connection from spring.flyway.user and
		// password, bypassing the Lakebase DataSource: Lakebase then refuses it.
		LocalLakebase local = lakebase.get();
		assertThatException()
			.isThrownBy(() -> start(Map.of("spring.flyway.url", local.jdbcUrl(), "spring.flyway.user",
					local.defaultIdentity().name(), "spring.liquibase.enabled", "false"))
				.close())
			.withStackTraceContaining("password");
	}

	private ConfigurableApplicationContext start(Map<String, String> overrides) {
		Map<String, Object> properties = new LinkedHashMap<>(lakebase.get().springProperties());
		properties.put("spring.flyway.locations", "classpath:db/lakebase-flyway");
		// A schema of Flyway's own: it refuses to start on a non-empty one, and Liquibase may run first.
		properties.put("spring.flyway.schemas", "flyway_migrations");
		properties.put("spring.liquibase.change-log", "classpath:db/lakebase-liquibase.yaml");
		properties.put("spring.main.banner-mode", "off");
		properties.putAll(overrides);
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.HIBERNATE_BOOT4,
			MigrationAutoConfigurations.DATA_JDBC_BOOT4, MigrationAutoConfigurations.HIBERNATE_BOOT3,
			MigrationAutoConfigurations.DATA_JDBC_BOOT3, MigrationAutoConfigurations.DATA_JPA_BOOT4,
			MigrationAutoConfigurations.DATA_JPA_BOOT3 })
	static class TestApplication {

	}

}
