package io.lakebase.spring.sample.reactive;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseMain;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the reactive sample on a local Lakebase, for {@code mvn spring-boot:test-run}: no Databricks
 * account, no Docker. The local Lakebase stops with the JVM.
 */
public final class LocalReactiveSampleApplication {

	private LocalReactiveSampleApplication() {
	}

	public static void main(String[] args) {
		LocalLakebase lakebase = LocalLakebase.start();
		// Where the local Lakebase listens, and how to reach it with psql or another client.
		System.out.println(LocalLakebaseMain.describe(lakebase));
		Map<String, Object> properties = new LinkedHashMap<>(lakebase.springProperties());
		SpringApplication application = new SpringApplication(ReactiveSampleApplication.class);
		// Ahead of application.yml, whose placeholders stand for a real workspace.
		application.addInitializers((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("lakebase-local", properties)));
		application.run(args);
	}

}
