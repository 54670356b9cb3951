package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default TLS settings ({@code verify-full}, no {@code lakebase.ssl.root-cert}) verify the server
 * against the JVM's trust store: here, in a JVM of its own whose trust store
 * ({@code -Djavax.net.ssl.trustStore}) holds the local Lakebase's CA, the sample starts UP, its
 * pool and its health check logging in with the certificate verified.
 */
class SampleJvmTrustStoreIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void verifyFullTrustsWhatTheJvmTrustStoreTrusts(@TempDir Path directory) throws Exception {
		List<String> arguments = new ArrayList<>();
		// No lakebase.ssl.* at all: the default, verify-full, against the JVM trust store.
		lakebase.get().springProperties().forEach((name, value) -> {
			if (!name.startsWith("lakebase.ssl.")) {
				arguments.add("--" + name + "=" + value);
			}
		});
		arguments.add("--management.endpoint.health.show-details=always");
		arguments.add("--server.port=0");
		arguments.add("--server.address=127.0.0.1");
		List<String> jvm = TrustStores.jvmOptionsTrusting(lakebase.get().caCertificate(), directory);
		try (ForkedSample sample = ForkedSample.start(jvm, arguments, Map.of())) {
			HttpResponse<String> health = this.http.send(JsonRequests.of("GET", sample.url() + "/actuator/health", null),
					HttpResponse.BodyHandlers.ofString());
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.lastLogin.outcome"))
				.isEqualTo("success");
			HttpResponse<String> created = this.http.send(
					JsonRequests.of("POST", sample.url() + "/notes", "{\"title\":\"verified\"}"),
					HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
		}
	}

}
