package io.lakebase.spring.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the Spring Boot application of each variant: A declares the guide's beans, B is
 * configured by the starter from {@code lakebase.*}, C is a plain Boot JDBC application on
 * {@code spring.datasource.*}. None of them opens a connection while it starts.
 */
final class BenchmarkApplications {

	private final ConnectionTarget target;

	private final Map<String, String> lakebaseProperties;

	private final int poolSize;

	/**
	 * Creates the applications.
	 * @param target where every variant connects
	 * @param lakebaseProperties the {@code lakebase.*} properties the local Lakebase gives
	 * @param poolSize the pool size of every variant
	 */
	BenchmarkApplications(ConnectionTarget target, Map<String, String> lakebaseProperties, int poolSize) {
		this.target = target;
		this.lakebaseProperties = Map.copyOf(lakebaseProperties);
		this.poolSize = poolSize;
	}

	/**
	 * Starts the application of a variant, as a non-web application.
	 * @param variant the variant
	 * @return the running context
	 */
	ConfigurableApplicationContext start(Variant variant) {
		return start(variant, arguments(variant));
	}

	/**
	 * Starts the starter's application as users run it: with the startup check
	 * ({@code lakebase.fail-fast}, on by default), which looks up the endpoint, obtains a
	 * credential and logs in before the context is up.
	 * @return the running context
	 */
	ConfigurableApplicationContext startWithStartupCheck() {
		List<String> arguments = new ArrayList<>(List.of(arguments(Variant.STARTER)));
		arguments.replaceAll((argument) -> argument.equals("--lakebase.fail-fast=false") ? "--lakebase.fail-fast=true"
				: argument);
		return start(Variant.STARTER, arguments.toArray(String[]::new));
	}

	private ConfigurableApplicationContext start(Variant variant, String[] arguments) {
		Class<?>[] sources = (variant == Variant.GUIDE)
				? new Class<?>[] { BenchmarkApplication.class, GuideConfiguration.class }
				: new Class<?>[] { BenchmarkApplication.class };
		SpringApplication application = new SpringApplication(sources);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		// Command-line arguments outrank environment variables: the machine cannot change the set-up.
		return application.run(arguments);
	}

	private String[] arguments(Variant variant) {
		Map<String, String> properties = new LinkedHashMap<>();
		switch (variant) {
			case GUIDE -> {
				properties.put(GuideConfiguration.PREFIX + "workspace-url", this.target.workspaceUrl());
				properties.put(GuideConfiguration.PREFIX + "client-id", this.target.username());
				properties.put(GuideConfiguration.PREFIX + "client-secret", this.target.clientSecret());
				properties.put(GuideConfiguration.PREFIX + "endpoint", this.target.endpoint());
				properties.put(GuideConfiguration.PREFIX + "host", this.target.host());
				properties.put(GuideConfiguration.PREFIX + "port", Integer.toString(this.target.port()));
				properties.put(GuideConfiguration.PREFIX + "database", this.target.database());
				properties.put(GuideConfiguration.PREFIX + "root-cert", this.target.rootCert());
				properties.put(GuideConfiguration.PREFIX + "pool-size", Integer.toString(this.poolSize));
				properties.put("spring.autoconfigure.exclude", LakebaseAutoConfiguration.class.getName());
			}
			case STARTER -> {
				properties.putAll(this.lakebaseProperties);
				// The figures time the pool, not the start-up check that would open its first connection.
				properties.put("lakebase.fail-fast", "false");
				// Explicit, so that a DATABRICKS_* variable of the machine cannot add a second method.
				properties.put("lakebase.workspace.auth-type", "oauth-m2m");
				properties.put("spring.datasource.hikari.pool-name", variant.poolName());
				properties.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(this.poolSize));
			}
			case STATIC_PASSWORD -> {
				properties.put("spring.datasource.url", this.target.jdbcUrl());
				properties.put("spring.datasource.username", this.target.username());
				properties.put("spring.datasource.password", this.target.staticPassword());
				properties.put("spring.datasource.hikari.pool-name", variant.poolName());
				properties.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(this.poolSize));
				properties.put("spring.datasource.hikari.max-lifetime",
						Long.toString(GuidePattern.MAX_LIFETIME.toMillis()));
				properties.put("spring.autoconfigure.exclude", LakebaseAutoConfiguration.class.getName());
			}
		}
		return properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
	}

}
