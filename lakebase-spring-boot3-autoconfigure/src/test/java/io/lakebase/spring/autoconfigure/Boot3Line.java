package io.lakebase.spring.autoconfigure;

import io.lakebase.spring.boot3.autoconfigure.LakebaseJdbcAutoConfiguration;
import io.lakebase.spring.boot3.autoconfigure.LakebaseR2dbcAutoConfiguration;
import io.lakebase.spring.boot3.autoconfigure.health.LakebaseHealthContributorAutoConfiguration;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.context.ApplicationContext;

/**
 * The Spring Boot 3.5 line, for the shared contract tests.
 */
public final class Boot3Line implements SpringBootLine {

	@Override
	public AutoConfigurations lakebaseDataSource() {
		return AutoConfigurations.of(LakebaseAutoConfiguration.class, LakebaseJdbcAutoConfiguration.class,
				DataSourceAutoConfiguration.class);
	}

	@Override
	public AutoConfigurations lakebaseR2dbc() {
		return AutoConfigurations.of(LakebaseR2dbcAutoConfiguration.class, R2dbcAutoConfiguration.class,
				LakebaseR2dbcDataSourceAutoConfiguration.class);
	}

	@Override
	public Class<?> lakebaseHealth() {
		return LakebaseHealthContributorAutoConfiguration.class;
	}

	@Override
	public String healthApiPackage() {
		return "org.springframework.boot.actuate.health";
	}

	@Override
	public Class<?> jdbcConnectionDetails() {
		return JdbcConnectionDetails.class;
	}

	@Override
	public HealthReport health(ApplicationContext context) {
		Health health = context.getBean("lakebaseHealthIndicator", HealthIndicator.class).getHealth(true);
		return new HealthReport(health.getStatus().getCode(), health.getDetails());
	}

}
