package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Runs the packaged sample's {@code application.yml} in a JVM of its own, configured only by
 * environment variables: those a Databricks App with a Lakebase resource is given ({@code PG*},
 * {@code PGSSLMODE=require} included, and {@code DATABRICKS_*}) plus the endpoint or instance,
 * under each name the sample reads. The JVM's trust store holds the local Lakebase's CA, as the
 * JDK's holds the public CA of Lakebase's certificates: the server is verified all the same.
 */
class SampleEnvironmentVariablesIT {

	// The details, for the assertions below; anonymous callers see the status only.
	private static final List<String> ARGUMENTS = List.of("--server.port=0", "--server.address=127.0.0.1",
			"--management.endpoint.health.show-details=always");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@TempDir
	static Path directory;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@ParameterizedTest
	// LAKEBASE_ENDPOINT: with the read replica, below (each case forks a JVM: the suite's longest class).
	@CsvSource({ "ENDPOINT_NAME, endpoint, " + LocalLakebase.DEFAULT_ENDPOINT,
			"LAKEBASE_INSTANCE, instance, " + LocalLakebase.DEFAULT_INSTANCE })
	void aDatabricksAppEnvironmentNeedsOnlyTheEndpointOrInstance(String variable, String detail, String target)
			throws Exception {
		Map<String, String> environment = appEnvironment(variable, target);
		try (ForkedSample sample = ForkedSample.start(trustingTheLocalCa(), ARGUMENTS, environment)) {
			HttpResponse<String> health = get(sample.url() + "/actuator/health");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details." + detail))
				.isEqualTo(target);
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.username"))
				.isEqualTo(lakebase.get().defaultIdentity().name());
			HttpResponse<String> created = this.http.send(JsonRequests.of("POST", sample.url() + "/notes",
					"{\"title\":\"from " + variable + "\"}"), HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
			assertThat(sample.output()).doesNotContain("man in the middle");
		}
	}

	@Test
	void pgsslmodeRequireOfTheAppsRuntimeStillVerifiesTheServer() throws Exception {
		// The JVM trust store without the local CA: as against a server whose certificate no public CA signed.
		Map<String, String> environment = appEnvironment("LAKEBASE_ENDPOINT", LocalLakebase.DEFAULT_ENDPOINT);
		long passwordsBefore = lakebase.get().stats().passwordsReceived();
		assertThatIllegalStateException().isThrownBy(() -> ForkedSample.start(List.of(), ARGUMENTS, environment))
			.withMessageContaining("APPLICATION FAILED TO START")
			.withMessageContaining("is not signed by any CA of the JVM trust store")
			.withMessageContaining("lakebase.ssl.root-cert")
			.withMessageContaining("javax.net.ssl.trustStore");
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwordsBefore);
	}

	@Test
	void lakebaseEndpointWithLakebaseReadonlyEndpointAddsTheReadReplicaThroughRelaxedBinding() throws Exception {
		LocalLakebase local = lakebase.get();
		Map<String, String> environment = appEnvironment("LAKEBASE_ENDPOINT", LocalLakebase.DEFAULT_ENDPOINT);
		environment.put("LAKEBASE_READONLY_ENDPOINT", LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		try (ForkedSample sample = ForkedSample.start(trustingTheLocalCa(), ARGUMENTS, environment)) {
			HttpResponse<String> health = get(sample.url() + "/actuator/health");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.endpoint"))
				.isEqualTo(LocalLakebase.DEFAULT_ENDPOINT);
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.username"))
				.isEqualTo(local.defaultIdentity().name());
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.status"))
				.isEqualTo("UP");
			assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.host"))
				.isEqualTo(local.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT));
			HttpResponse<String> created = this.http.send(JsonRequests.of("POST", sample.url() + "/notes",
					"{\"title\":\"from LAKEBASE_ENDPOINT\"}"), HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
			assertThat(get(sample.url() + "/notes").statusCode()).isEqualTo(200);
			assertThat(sample.output()).doesNotContain("man in the middle");
		}
	}

	// What a Databricks App with a Lakebase resource is given, and the endpoint or instance.
	private static Map<String, String> appEnvironment(String variable, String target) {
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
		return environment;
	}

	private static List<String> trustingTheLocalCa() throws Exception {
		return TrustStores.jvmOptionsTrusting(lakebase.get().caCertificate(), directory);
	}

	private HttpResponse<String> get(String url) throws Exception {
		return this.http.send(JsonRequests.of("GET", url, null), HttpResponse.BodyHandlers.ofString());
	}

}
