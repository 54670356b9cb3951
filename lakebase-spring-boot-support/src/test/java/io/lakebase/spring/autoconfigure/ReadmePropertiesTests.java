package io.lakebase.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's property table equal to the generated configuration metadata: a property
 * added without documentation fails the build.
 */
class ReadmePropertiesTests {

	private static final Pattern TABLE_ROW = Pattern.compile("^\\| `((?:lakebase|management\\.health\\.lakebase)\\.[a-z.-]+)` \\|",
			Pattern.MULTILINE);

	@Test
	void readmeTableListsExactlyTheMetadataProperties() throws Exception {
		String readme = propertiesSection(Files.readString(Path.of("..", "README.md")));
		Set<String> documented = new TreeSet<>();
		Matcher row = TABLE_ROW.matcher(readme);
		while (row.find()) {
			documented.add(row.group(1));
		}
		Set<String> generated = new TreeSet<>();
		LakebaseMetadata.properties().forEach((property) -> generated.add((String) property.get("name")));
		assertThat(documented).as("properties in the README table").isEqualTo(generated);
	}

	// Other sections' tables (metrics, troubleshooting) name properties too.
	private static String propertiesSection(String readme) {
		int start = readme.indexOf("### Properties");
		assertThat(start).as("the README's Properties section").isNotNegative();
		int end = readme.indexOf("\n#", start + 1);
		return readme.substring(start, (end >= 0) ? end : readme.length());
	}

}
