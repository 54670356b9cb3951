package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with a read replica ({@code lakebase.read-only.endpoint}, which
 * {@code LAKEBASE_READONLY_ENDPOINT} sets through relaxed binding): listing and getting notes run
 * in read-only transactions on the replica, creating them on the primary, and health shows both
 * pools. That reads take the replica's path shows when it goes down: they fall back to the primary,
 * counted, while writes never do.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.health.show-details=always")
class SampleReadReplicaIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder());

	@DynamicPropertySource
	static void lakebaseProperties(DynamicPropertyRegistry registry) {
		lakebase.get().registerProperties(registry);
		Map<String, String> readOnly = lakebase.get().readOnlySpringProperties();
		assertThat(readOnly).containsEntry("lakebase.read-only.endpoint", LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		readOnly.forEach((name, value) -> registry.add(name, () -> value));
	}

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private DataSource dataSource;

	@Autowired
	@Qualifier("lakebaseReadOnlyDataSource")
	private HikariDataSource replicaPool;

	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void readsGoToTheReplicaAndFallBackToThePrimaryWhenItIsDown() throws Exception {
		HttpResponse<String> created = send("POST", "/notes", "{\"title\":\"replicated\",\"body\":\"on the primary\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		String location = created.headers().firstValue("Location").orElseThrow();
		String replicaHost = lakebase.get().host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		assertThat(lakebase.get().stats().loginsAccepted(replicaHost)).isPositive();
		assertThat(send("GET", location, null).body()).contains("replicated");
		assertThat(send("GET", "/notes", null).body()).contains("replicated");
		assertThat(fallbacks()).isZero();

		lakebase.get().faults().hostDown(replicaHost, true);
		this.replicaPool.getHikariPoolMXBean().softEvictConnections();
		HttpResponse<String> list = send("GET", "/notes", null);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("replicated");
		assertThat(send("GET", location, null).statusCode()).isEqualTo(200);
		long fallbacks = fallbacks();
		assertThat(fallbacks).isPositive();
		assertThat(send("POST", "/notes", "{\"title\":\"still written\"}").statusCode()).isEqualTo(201);
		assertThat(fallbacks()).isEqualTo(fallbacks);

		HttpResponse<String> health = send("GET", "/actuator/health", null);
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.endpoint"))
			.isEqualTo(LocalLakebase.DEFAULT_ENDPOINT);
		assertThat((String) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.endpoint"))
			.isEqualTo(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT);
		assertThat((Boolean) JsonPath.read(health.body(), "$.components.lakebase.details.readOnly.fallback.active"))
			.isTrue();
		assertThat(health.body()).doesNotContain(lakebase.get().defaultIdentity().secret());
	}

	private long fallbacks() throws SQLException {
		return this.dataSource.unwrap(ReadReplicaRoutingDataSource.class).status().fallbacks();
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		return this.http.send(JsonRequests.of(method, "http://127.0.0.1:" + this.port + path, json),
				HttpResponse.BodyHandlers.ofString());
	}

}
