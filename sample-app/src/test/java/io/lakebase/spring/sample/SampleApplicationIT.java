package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample over HTTP on a local Lakebase issuing 4-second credentials: the notes API keeps
 * working across several credential rotations, health is UP, and every acknowledged write can be
 * read back.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationIT {

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
	private HikariDataSource dataSource;

	@Test
	void notesApiWorksAcrossCredentialRotations() throws Exception {
		long tokensBefore = lakebase.get().stats().tokensIssued();
		List<Integer> acknowledged = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(14).toNanos();
		int round = 0;
		while (System.nanoTime() < deadline) {
			HttpResponse<String> created = send("POST", "/notes", "{\"title\":\"note " + round + "\",\"body\":\"text\"}");
			assertThat(created.statusCode()).isEqualTo(201);
			int id = JsonPath.read(created.body(), "$.id");
			acknowledged.add(id);
			assertThat(created.headers().firstValue("Location")).hasValue("/notes/" + id);
			HttpResponse<String> updated = send("PUT", "/notes/" + id, "{\"title\":\"note " + round + " (edited)\"}");
			assertThat(updated.statusCode()).isEqualTo(200);
			assertThat((String) JsonPath.read(updated.body(), "$.title")).endsWith("(edited)");
			assertThat(send("GET", "/notes/" + id, null).statusCode()).isEqualTo(200);
			if (round % 5 == 0) {
				// New physical connections, so that logins use the rotated credentials.
				this.dataSource.getHikariPoolMXBean().softEvictConnections();
			}
			round++;
			Thread.sleep(100);
		}
		assertThat(lakebase.get().stats().tokensIssued() - tokensBefore).as("credential rotations").isGreaterThanOrEqualTo(3);
		List<Integer> listed = JsonPath.read(send("GET", "/notes", null).body(), "$[*].id");
		assertThat(listed).containsAll(acknowledged);
	}

	@Test
	void deleteRemovesANote() throws Exception {
		int id = JsonPath.read(send("POST", "/notes", "{\"title\":\"to delete\"}").body(), "$.id");
		assertThat(send("DELETE", "/notes/" + id, null).statusCode()).isEqualTo(204);
		assertThat(send("GET", "/notes/" + id, null).statusCode()).isEqualTo(404);
		assertThat(send("DELETE", "/notes/" + id, null).statusCode()).isEqualTo(404);
	}

	@Test
	void invalidNoteIsABadRequest() throws Exception {
		HttpResponse<String> response = send("POST", "/notes", "{\"title\":\"  \"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).contains("application/problem+json"));
		assertThat((String) JsonPath.read(response.body(), "$.detail")).isEqualTo("Invalid note: title.");
		assertThat((String) JsonPath.read(response.body(), "$.errors.title")).isEqualTo("must not be blank");
		HttpResponse<String> both = send("PUT", "/notes/1", "{\"title\":\"\",\"body\":\"" + "x".repeat(10_001) + "\"}");
		assertThat(both.statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(both.body(), "$.detail")).isEqualTo("Invalid note: body, title.");
		assertThat((String) JsonPath.read(both.body(), "$.errors.body")).startsWith("size must be between 0 and");
		// Other MVC failures keep their problem details.
		HttpResponse<String> malformed = send("POST", "/notes", "{not json");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(malformed.body(), "$.title")).isEqualTo("Bad Request");
	}

	@Test
	void healthIsUpAndAnonymousCallersSeeTheStatusOnly() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
		assertThat(health.body()).doesNotContain("details", "username", LocalLakebase.DEFAULT_CLIENT_ID);
		HttpResponse<String> lakebaseHealth = send("GET", "/actuator/health/lakebase", null);
		assertThat(lakebaseHealth.statusCode()).isEqualTo(200);
		assertThat(lakebaseHealth.body()).isEqualTo("{\"status\":\"UP\"}");
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		return this.http.send(JsonRequests.of(method, "http://127.0.0.1:" + this.port + path, json),
				HttpResponse.BodyHandlers.ofString());
	}

}
