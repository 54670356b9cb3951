package io.lakebase.spring.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Lakebase {@code dataSource} of a reactive application. Spring Boot makes no
 * {@code DataSource} when the application has an R2DBC {@code ConnectionFactory}; with Lakebase a
 * reactive service still needs one (for Flyway or Liquibase, whose own URL would need a static
 * password), so it is made here then, as Boot makes its own: Hikari, bound to
 * {@code spring.datasource.hikari.*}, named {@code dataSource} so that the Lakebase post-processor
 * makes it log in with the credential.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class,
		afterName = { LakebaseR2dbcDataSourceAutoConfiguration.BOOT4_R2DBC_AUTO_CONFIGURATION,
				LakebaseR2dbcDataSourceAutoConfiguration.BOOT3_R2DBC_AUTO_CONFIGURATION },
		beforeName = { LakebaseAutoConfiguration.BOOT4_DATA_SOURCE_AUTO_CONFIGURATION,
				LakebaseAutoConfiguration.BOOT3_DATA_SOURCE_AUTO_CONFIGURATION })
@ConditionalOnBean(value = LakebasePrimaryConnection.class, type = "io.r2dbc.spi.ConnectionFactory")
@ConditionalOnMissingBean(DataSource.class)
public final class LakebaseR2dbcDataSourceAutoConfiguration {

	static final String BOOT4_R2DBC_AUTO_CONFIGURATION = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration";

	static final String BOOT3_R2DBC_AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration";

	@Bean
	HikariDataSource dataSource(LakebasePrimaryConnection connection, Environment environment) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(connection.resolver().jdbcUrl());
		dataSource.setUsername(connection.resolver().username());
		dataSource.setDriverClassName(org.postgresql.Driver.class.getName());
		Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(dataSource));
		return dataSource;
	}

}
