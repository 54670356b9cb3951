package io.lakebase.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;

/**
 * The generated configuration metadata of the Lakebase properties.
 */
final class LakebaseMetadata {

	private LakebaseMetadata() {
	}

	/**
	 * Returns the Lakebase properties of every configuration metadata file on the class path
	 * (Boot's own jars have such files too, and which comes first depends on the class path).
	 * @return the properties, each as its JSON object
	 * @throws IOException if a file cannot be read
	 */
	static List<Map<String, Object>> properties() throws IOException {
		List<Map<String, Object>> lakebase = new ArrayList<>();
		Enumeration<URL> files = LakebaseMetadata.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (files.hasMoreElements()) {
			try (InputStream metadata = files.nextElement().openStream()) {
				List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties");
				properties.stream()
					.filter((property) -> ((String) property.get("name")).matches("(management\\.health\\.)?lakebase\\..*"))
					.forEach(lakebase::add);
			}
		}
		return lakebase;
	}

}
