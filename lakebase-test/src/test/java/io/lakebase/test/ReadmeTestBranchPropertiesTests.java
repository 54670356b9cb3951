package io.lakebase.test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's table of {@code lakebase.test.*} properties, and their configuration metadata
 * (for IDEs), equal to those {@link TestBranchSettings} reads.
 */
class ReadmeTestBranchPropertiesTests {

	private static final Pattern TABLE_ROW = Pattern.compile("^\\| `(lakebase\\.test\\.[a-z.-]+)` \\|", Pattern.MULTILINE);

	@Test
	void readmeTableListsExactlyTheTestBranchProperties() throws Exception {
		String readme = Files.readString(Path.of("..", "README.md"));
		int start = readme.indexOf("## A branch per test run");
		assertThat(start).as("the README's section").isNotNegative();
		Set<String> documented = new TreeSet<>();
		Matcher row = TABLE_ROW.matcher(readme.substring(start, readme.indexOf("\n## ", start + 1)));
		while (row.find()) {
			documented.add(row.group(1));
		}
		assertThat(documented).isEqualTo(read());
	}

	@Test
	void metadataDescribesExactlyTheTestBranchProperties() throws Exception {
		Set<String> described = new TreeSet<>();
		try (var metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode properties = new ObjectMapper().readTree(metadata).get("properties");
			properties.forEach((property) -> {
				assertThat(property.path("description").asText()).as(property.path("name").asText()).isNotBlank();
				described.add(property.get("name").asText());
			});
		}
		assertThat(described).isEqualTo(read());
	}

	private static Set<String> read() throws IllegalAccessException {
		Set<String> read = new TreeSet<>();
		for (Field field : TestBranchSettings.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
				read.add((String) field.get(null));
			}
		}
		return read;
	}

}
