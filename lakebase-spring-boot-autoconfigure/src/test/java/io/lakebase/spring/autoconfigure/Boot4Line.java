package io.lakebase.spring.autoconfigure;

import io.lakebase.spring.boot4.autoconfigure.LakebaseJdbcAutoConfiguration;
import io.lakebase.spring.boot4.autoconfigure.LakebaseR2dbcAutoConfiguration;
import io.lakebase.spring.boot4.autoconfigure.health.LakebaseHealthContributorAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.ApplicationContext;

/**
 * The Spring Boot 4.x line, for the shared contract tests.
 */
public final class Boot4Line implements SpringBootLine {

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
		return "org.springframework.boot.health.contributor";
	}

	@Override
	public Class<?> jdbcConnectionDetails() {
		return JdbcConnectionDetails.class;
	}

	@Override
	public HealthReport health(ApplicationContext context) {
		Health health = context.getBean("lakebaseHealthIndicator", HealthIndicator.class).health(true);
		return new HealthReport(health.getStatus().getCode(), health.getDetails());
	}

}
