package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged sample's {@code application.yml} in a JVM of its own, configured only by
 * environment variables: those a Databricks App with a Lakebase resource is given ({@code PG*} and
 * {@code DATABRICKS_*}) plus the endpoint or instance, under each name the sample reads.
 */
class SampleEnvironmentVariablesTests {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@ParameterizedTest
	@CsvSource({ "LAKEBASE_ENDPOINT, endpoint, " + LocalLakebase.DEFAULT_ENDPOINT,
			"ENDPOINT_NAME, endpoint, " + LocalLakebase.DEFAULT_ENDPOINT,
			"LAKEBASE_INSTANCE, instance, " + LocalLakebase.DEFAULT_INSTANCE })
	void aDatabricksAppEnvironmentNeedsOnlyTheEndpointOrInstance(String variable, String detail, String target)
			throws Exception {
		LocalLakebase local = lakebase.get();
		Identity identity = local.defaultIdentity();
		Map<String, String> environment = new HashMap<>();
		environment.put(variable, target);
		environment.put("PGHOST", local.host());
		environment.put("PGPORT", Integer.toString(local.port()));
		environment.put("PGDATABASE", local.database());
		environment.put("PGUSER", identity.name());
		environment.put("PGSSLMODE", "require");
		environment.put("PGAPPNAME", "lakebase-notes");
		environment.put("DATABRICKS_HOST", local.workspaceUrl());
		environment.put("DATABRICKS_CLIENT_ID", identity.name());
		environment.put("DATABRICKS_CLIENT_SECRET", identity.secret());
		try (ForkedSample sample = ForkedSample.start(List.of(),
				List.of("--server.port=0", "--server.address=127.0.0.1"), environment)) {
			HttpResponse<String> health = get(sample.url() + "/actuator/health");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details." + detail))
				.isEqualTo(target);
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.username"))
				.isEqualTo(identity.name());
			HttpResponse<String> created = this.http.send(JsonRequests.of("POST", sample.url() + "/notes",
					"{\"title\":\"from " + variable + "\"}"), HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
		}
	}

	@Test
	void lakebaseReadonlyEndpointAddsTheReadReplicaThroughRelaxedBinding() throws Exception {
		LocalLakebase local = lakebase.get();
		Identity identity = local.defaultIdentity();
		Map<String, String> environment = new HashMap<>();
		environment.put("LAKEBASE_ENDPOINT", LocalLakebase.DEFAULT_ENDPOINT);
		environment.put("LAKEBASE_READONLY_ENDPOINT", LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		environment.put("PGPORT", Integer.toString(local.port()));
		environment.put("DATABRICKS_HOST", local.workspaceUrl());
		environment.put("DATABRICKS_CLIENT_ID", identity.name());
		environment.put("DATABRICKS_CLIENT_SECRET", identity.secret());
		try (ForkedSample sample = ForkedSample.start(List.of(),
				List.of("--server.port=0", "--server.address=127.0.0.1"), environment)) {
			HttpResponse<String> health = get(sample.url() + "/actuator/health");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.status"))
				.isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.host"))
				.isEqualTo(local.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT));
			assertThat(get(sample.url() + "/notes").statusCode()).isEqualTo(200);
		}
	}

	private HttpResponse<String> get(String url) throws Exception {
		return this.http.send(JsonRequests.of("GET", url, null), HttpResponse.BodyHandlers.ofString());
	}

}
