package io.lakebase.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's dependency snippets and commands show the project's version (the root POM's
 * {@code revision}), so that what a user copies resolves.
 */
class ReadmeVersionTests {

	private static final Pattern DEPENDENCY = Pattern.compile(
			"<groupId>io\\.lakebase</groupId>\\s*<artifactId>([a-z0-9-]+)</artifactId>\\s*<version>([^<]+)</version>");

	private static final Pattern SAMPLE_JAR = Pattern.compile("sample-app-([0-9][^/\\s]*?)\\.jar");

	@Test
	void everySnippetShowsTheProjectVersion() throws Exception {
		String version = System.getProperty("lakebase.version");
		assertThat(version).as("the project version, from the build").isNotBlank().doesNotContain("${");
		String readme = Files.readString(Path.of("..", "README.md"));
		List<String> artifacts = new ArrayList<>();
		Matcher dependency = DEPENDENCY.matcher(readme);
		while (dependency.find()) {
			artifacts.add(dependency.group(1));
			assertThat(dependency.group(2)).as("the version of " + dependency.group(1) + " in the README")
				.isEqualTo(version);
		}
		assertThat(artifacts).contains("lakebase-bom", "lakebase-spring-boot-starter", "lakebase-spring-boot3-starter",
				"lakebase-local", "lakebase-test");
		Matcher jar = SAMPLE_JAR.matcher(readme);
		int jars = 0;
		while (jar.find()) {
			jars++;
			assertThat(jar.group(1)).as("the sample jar's version in the README").isEqualTo(version);
		}
		assertThat(jars).isPositive();
	}

}
