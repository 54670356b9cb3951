package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as Spring AOT generated it at build time ({@code process-aot}), started in AOT mode
 * on the JVM ({@code -Dspring.aot.enabled=true}) against a local Lakebase: it is UP and serves,
 * and the generated native-image metadata carries the starter's hints for the Databricks SDK.
 * Native compilation itself needs GraalVM, which this build does not have.
 */
class SampleAotIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void startsInAotModeAndServes() throws Exception {
		List<String> arguments = new ArrayList<>();
		lakebase.get().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--management.endpoint.health.show-details=always");
		arguments.add("--server.port=0");
		arguments.add("--server.address=127.0.0.1");
		try (ForkedSample sample = ForkedSample.start(List.of("-Dspring.aot.enabled=true"), arguments, Map.of())) {
			assertThat(sample.output()).contains("Starting AOT-processed SampleApplication");
			HttpResponse<String> health = get(sample.url() + "/actuator/health");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
			HttpResponse<String> created = this.http.send(
					JsonRequests.of("POST", sample.url() + "/notes", "{\"title\":\"aot\",\"body\":\"ahead of time\"}"),
					HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
			assertThat(get(sample.url() + "/notes").body()).contains("ahead of time");
		}
	}

	@Test
	void nativeImageMetadataCarriesTheSdkHints() throws Exception {
		Path metadata = Path.of("target", "classes", "META-INF", "native-image", "io.lakebase", "sample-app",
				"reachability-metadata.json");
		assertThat(metadata).exists();
		assertThat(Files.readString(metadata)).contains("com.databricks.sdk.service.postgres.DatabaseCredential",
				"com.databricks.sdk.core.DatabricksConfig", "com.databricks.sdk.service.postgres.EndpointHosts");
	}

	private HttpResponse<String> get(String url) throws Exception {
		return this.http.send(JsonRequests.of("GET", url, null), HttpResponse.BodyHandlers.ofString());
	}

}
