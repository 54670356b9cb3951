package io.lakebase.spring.sample.reactive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive sample over HTTP on a local Lakebase issuing 4-second credentials: Flyway made the
 * schema over JDBC, the notes API works over R2DBC across credential rotations (the pool renewing
 * its connections every second), every acknowledged note reads back, and health shows the R2DBC
 * side, never a secret.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.r2dbc.pool.max-life-time=1s", "spring.r2dbc.pool.initial-size=1",
				"management.endpoint.health.show-details=always" })
class ReactiveSampleApplicationIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(4)));

	@DynamicPropertySource
	static void lakebaseProperties(DynamicPropertyRegistry registry) {
		lakebase.get().registerProperties(registry);
	}

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionFactory connectionFactory;

	@Test
	void notesApiWorksOverR2dbcAcrossCredentialRotations() throws Exception {
		assertThat(this.connectionFactory).isInstanceOf(ConnectionPool.class);
		long tokensBefore = lakebase.get().stats().tokensIssued();
		List<String> created = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = send("POST", "/notes", "{\"title\":\"note " + created.size() + "\"}");
			assertThat(response.statusCode()).isEqualTo(201);
			created.add(response.headers().firstValue("Location").orElseThrow());
			assertThat(send("GET", created.get(created.size() - 1), null).statusCode()).isEqualTo(200);
			Thread.sleep(100);
		}
		HttpResponse<String> list = send("GET", "/notes", null);
		assertThat(list.statusCode()).isEqualTo(200);
		List<Object> ids = JsonPath.read(list.body(), "$[*].id");
		assertThat(ids).hasSize(created.size());
		assertThat(lakebase.get().stats().tokensIssued() - tokensBefore).as("credential rotations")
			.isGreaterThanOrEqualTo(2);
		assertThat(send("DELETE", created.get(0), null).statusCode()).isEqualTo(204);
		assertThat(send("GET", created.get(0), null).statusCode()).isEqualTo(404);
		assertThat(send("POST", "/notes", "{\"title\":\"\"}").statusCode()).isEqualTo(400);
	}

	@Test
	void healthShowsTheR2dbcSideAndNoSecret() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.r2dbc.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.r2dbc.username"))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		assertThat(health.body()).doesNotContain(lakebase.get().defaultIdentity().secret());
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
