package io.lakebase.spring.sample;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
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
 * {@code lakebase.ssl.mode=verify-full} without {@code lakebase.ssl.root-cert} verifies the server
 * against the JVM's trust store: here, in a JVM of its own whose trust store
 * ({@code -Djavax.net.ssl.trustStore}) holds the local Lakebase's CA, the sample starts UP, its
 * pool and its health check logging in with the certificate verified.
 */
class SampleJvmTrustStoreTests {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void verifyFullTrustsWhatTheJvmTrustStoreTrusts(@TempDir Path directory) throws Exception {
		Path trustStore = directory.resolve("truststore.p12");
		char[] password = "changeit".toCharArray();
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, password);
		try (InputStream ca = Files.newInputStream(lakebase.get().caCertificate())) {
			store.setCertificateEntry("lakebase-local-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
		}
		try (OutputStream out = Files.newOutputStream(trustStore)) {
			store.store(out, password);
		}
		List<String> arguments = new ArrayList<>();
		lakebase.get().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--lakebase.ssl.mode=verify-full");
		arguments.add("--server.port=0");
		arguments.add("--server.address=127.0.0.1");
		List<String> jvm = List.of("-Djavax.net.ssl.trustStore=" + trustStore,
				"-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12");
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
