package io.lakebase.spring.sample;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.local.Stats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded HTTP load test of the sample: {@value #CLIENTS} concurrent clients create, read and
 * update notes for 12 seconds while the local Lakebase issues 4-second credentials and the pool
 * renews its connections every two seconds. It proves that no request fails and no acknowledged
 * write is lost across some six credential rotations, and that the credential API is called
 * about once per half lifetime however heavy the traffic. Latencies are printed, never asserted:
 * the machine is shared.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		// Twice Hikari's default, and more sessions than two cores can keep busy. Hikari opens
		// connections one at a time, so a larger pool would only be further from full after each
		// eviction.
		"spring.datasource.hikari.maximum-pool-size=20" })
class SampleHttpLoadIT {

	private static final int CLIENTS = 100;

	private static final Duration DURATION = Duration.ofSeconds(12);

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(4);

	// Hikari floors maxLifetime at 30 seconds: evicting stands in for a short connection lifetime,
	// so that physical logins keep happening with rotated credentials.
	private static final Duration EVICTION_INTERVAL = Duration.ofSeconds(2);

	// One round in this many also replaces the note it created.
	private static final int UPDATE_EVERY = 4;

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	@DynamicPropertySource
	static void lakebaseProperties(DynamicPropertyRegistry registry) {
		lakebase.get().registerProperties(registry);
	}

	// HTTP/1.1: the default HTTP/2 would offer Tomcat an h2c upgrade on every new connection.
	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	private int port;

	@Autowired
	private HikariDataSource dataSource;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void underLoadAcrossCredentialRotationsNoRequestFailsAndNoWriteIsLost() throws Exception {
		Stats stats = lakebase.get().stats();
		long credentialCallsBefore = stats.credentialRequests();
		long tokensBefore = stats.tokensIssued();
		long loginsBefore = stats.loginsAccepted();
		long start = System.nanoTime();
		List<ClientRecord> records = runClientsEvictingThePool(start + DURATION.toNanos());
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		long credentialCalls = stats.credentialRequests() - credentialCallsBefore;
		long tokens = stats.tokensIssued() - tokensBefore;
		long logins = stats.loginsAccepted() - loginsBefore;

		long[] latencies = allLatencies(records);
		Map<String, Integer> errors = errorsByKind(records);
		long errorCount = errors.values().stream().mapToLong(Integer::longValue).sum();
		List<Long> acknowledged = records.stream().flatMap((record) -> record.acknowledged.stream()).toList();
		System.out.printf("HTTP load figures: clients=%d, duration=%ds, requests=%d, errors=%d, requests/s=%.1f, "
				+ "p50=%.1f ms, p99=%.1f ms, max=%.1f ms, credential calls=%d, tokens issued=%d, physical logins=%d%n",
				CLIENTS, elapsed.toSeconds(), latencies.length, errorCount,
				latencies.length / (elapsed.toMillis() / 1000.0), millis(percentile(latencies, 50)),
				millis(percentile(latencies, 99)), millis(latencies[latencies.length - 1]), credentialCalls, tokens,
				logins);

		assertThat(latencies).as("requests").isNotEmpty();
		assertThat(errorCount).as("errors by kind: %s", errors).isZero();
		assertThat(missingFromTheDatabase(acknowledged)).as("acknowledged notes missing from the database").isEmpty();
		assertThat(tokens).as("credential rotations")
			.isGreaterThanOrEqualTo(DURATION.dividedBy(TOKEN_LIFETIME) - 2);
		// The cache refreshes at half life less up to a fifth of it (jitter), and concurrent logins
		// share one fetch.
		Duration window = TOKEN_LIFETIME.dividedBy(2);
		Duration earliestRefresh = TOKEN_LIFETIME.minus(window).minus(window.dividedBy(5));
		assertThat(credentialCalls).as("credential API calls in %s", elapsed)
			.isLessThanOrEqualTo(elapsed.dividedBy(earliestRefresh) + 2);
	}

	private List<ClientRecord> runClientsEvictingThePool(long deadline) throws Exception {
		ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			long interval = EVICTION_INTERVAL.toMillis();
			evictor.scheduleAtFixedRate(() -> this.dataSource.getHikariPoolMXBean().softEvictConnections(), interval,
					interval, TimeUnit.MILLISECONDS);
			List<Callable<ClientRecord>> work = new ArrayList<>();
			for (int client = 0; client < CLIENTS; client++) {
				int number = client;
				work.add(() -> runClient(number, deadline));
			}
			List<ClientRecord> records = new ArrayList<>();
			for (Future<ClientRecord> record : clients.invokeAll(work)) {
				records.add(record.get());
			}
			return records;
		}
		finally {
			evictor.shutdownNow();
			clients.shutdownNow();
		}
	}

	private ClientRecord runClient(int client, long deadline) throws InterruptedException {
		ClientRecord record = new ClientRecord();
		for (int round = 0; System.nanoTime() < deadline; round++) {
			String note = "{\"title\":\"client " + client + " note " + round + "\",\"body\":\"under load\"}";
			HttpResponse<String> created = send(record, "POST", "/notes", note);
			if (created == null) {
				continue;
			}
			long id = ((Number) JsonPath.read(created.body(), "$.id")).longValue();
			record.acknowledged.add(id);
			send(record, "GET", "/notes/" + id, null);
			if (round % UPDATE_EVERY == 0) {
				send(record, "PUT", "/notes/" + id, note.replace("under load", "updated under load"));
			}
		}
		return record;
	}

	/**
	 * Sends one request and records its latency, and an error for any exception or non-2xx
	 * status. Returns the response when it succeeded, {@code null} otherwise.
	 */
	private HttpResponse<String> send(ClientRecord record, String method, String path, String json)
			throws InterruptedException {
		HttpRequest request = JsonRequests.of(method, "http://127.0.0.1:" + this.port + path, json);
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			record.latency(System.nanoTime() - start);
			if (response.statusCode() / 100 != 2) {
				record.error(method + " " + response.statusCode());
				return null;
			}
			return response;
		}
		catch (IOException ex) {
			record.latency(System.nanoTime() - start);
			record.error(method + " " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
			return null;
		}
	}

	private Set<Long> missingFromTheDatabase(List<Long> acknowledged) {
		Set<Long> missing = new HashSet<>(acknowledged);
		missing.removeAll(this.jdbc.sql("SELECT id FROM note").query(Long.class).list());
		return missing;
	}

	private static long[] allLatencies(List<ClientRecord> records) {
		long[] all = records.stream()
			.flatMapToLong((record) -> Arrays.stream(record.latencies, 0, record.requests))
			.toArray();
		Arrays.sort(all);
		return all;
	}

	private static Map<String, Integer> errorsByKind(List<ClientRecord> records) {
		Map<String, Integer> errors = new TreeMap<>();
		records.forEach((record) -> record.errors.forEach((kind, count) -> errors.merge(kind, count, Integer::sum)));
		return errors;
	}

	// Nearest rank: the smallest recorded value that at least the given share of values do not exceed.
	private static long percentile(long[] sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.max(rank, 1) - 1];
	}

	private static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

	/**
	 * What one client did: the latency of every request, the ids of the notes the service
	 * acknowledged, and its errors by kind. Used by one thread only.
	 */
	private static final class ClientRecord {

		private long[] latencies = new long[1024];

		private int requests;

		private final List<Long> acknowledged = new ArrayList<>();

		private final Map<String, Integer> errors = new TreeMap<>();

		void latency(long nanos) {
			if (this.requests == this.latencies.length) {
				this.latencies = Arrays.copyOf(this.latencies, this.requests * 2);
			}
			this.latencies[this.requests++] = nanos;
		}

		void error(String kind) {
			this.errors.merge(kind, 1, Integer::sum);
		}

	}

}
