package io.lakebase.compatibility;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility application as Spring AOT generated it at build time ({@code process-aot}),
 * run in AOT mode ({@code -Dspring.aot.enabled=true}) in a JVM of its own against a local
 * Lakebase, on the Spring Boot version of its module: it starts, logs in and queries.
 */
class CompatibilityAotIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@Test
	void runsInAotMode() throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-Dspring.aot.enabled=true", "-cp", System.getProperty("java.class.path"),
				CompatibilityApplication.class.getName(), "--spring.main.banner-mode=off"));
		lakebase.get().springProperties().forEach((name, value) -> command.add("--" + name + "=" + value));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().keySet().removeIf((name) -> name.startsWith("DATABRICKS_") || name.startsWith("ARM_"));
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(output).contains("Starting AOT-processed CompatibilityApplication")
			.contains(LocalLakebase.DEFAULT_CLIENT_ID);
		assertThat(process.exitValue()).as(output).isZero();
	}

}
