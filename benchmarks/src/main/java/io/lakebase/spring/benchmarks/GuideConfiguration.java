package io.lakebase.spring.benchmarks;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Variant A as an application following the Databricks guide would declare it: its own workspace
 * client and pool as beans, so that Boot's {@code DataSource} auto-configuration backs off.
 */
@Configuration(proxyBeanMethods = false)
class GuideConfiguration {

	static final String PREFIX = "benchmarks.guide.";

	@Bean
	WorkspaceClient guideWorkspaceClient(Environment environment) {
		return GuidePattern.workspaceClient(environment.getRequiredProperty(PREFIX + "workspace-url"),
				environment.getRequiredProperty(PREFIX + "client-id"),
				environment.getRequiredProperty(PREFIX + "client-secret"));
	}

	@Bean
	HikariDataSource dataSource(WorkspaceClient guideWorkspaceClient, Environment environment) {
		return GuidePattern.dataSource(guideWorkspaceClient, environment.getRequiredProperty(PREFIX + "endpoint"),
				environment.getRequiredProperty(PREFIX + "host"),
				environment.getRequiredProperty(PREFIX + "port", Integer.class),
				environment.getRequiredProperty(PREFIX + "database"),
				environment.getRequiredProperty(PREFIX + "client-id"),
				environment.getRequiredProperty(PREFIX + "root-cert"),
				environment.getRequiredProperty(PREFIX + "pool-size", Integer.class));
	}

}
