package io.lakebase.spring.sample;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole sample with DEBUG logging (TRACE for the starter, the Databricks SDK, PgJDBC and
 * HikariCP) and every actuator endpoint exposed with values shown, drives credential rotations and
 * failures, and then searches everything printed and served for the real secrets: the client
 * secret or personal access token, and every database credential the application obtained.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakScanIT {

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
			"leak-scan-client-secret-3f9a1c");

	private static final Identity USER = Identity.user("alan@example.com", "dapi0123456789abcdef0123456789abcdef");

	// The start of a JWT (a base64url JSON object): any credential or access token, or a piece of one.
	private static final Pattern JWT_FRAGMENT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}");

	// Endpoints not fetched: a heap dump holds every secret of the process by nature, and the
	// others change the application or stream.
	private static final Set<String> NOT_FETCHED = Set.of("heapdump", "shutdown", "logfile", "self");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(SERVICE_PRINCIPAL)
		.identity(USER)
		.tokenLifetime(Duration.ofSeconds(4)));

	private static Path debugConfigFile;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void databricksConfigFile(@TempDir Path directory) throws Exception {
		debugConfigFile = Files.writeString(directory.resolve("databrickscfg"),
				"[DEFAULT]\ndebug_truncate_bytes = 100000\n");
	}

	static List<Identity> identities() {
		return List.of(SERVICE_PRINCIPAL, USER);
	}

	@ParameterizedTest
	@MethodSource("identities")
	void noSecretInLogsOrActuatorResponses(Identity identity, CapturedOutput output) throws Exception {
		Set<String> databaseTokens = ConcurrentHashMap.newKeySet();
		List<String> served = new ArrayList<>();
		try (ConfigurableApplicationContext context = start(identity, databaseTokens)) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			driveRotationsAndFailures(base, dataSource, served);
			served.addAll(fetchActuatorEndpoints(base));
			// Controls: the scan looked at real values and real SDK DEBUG logs.
			String env = get(base + "/actuator/env/lakebase.workspace.host");
			assertThat(env).contains(lakebase.get().workspaceUrl());
			assertThat(output.getAll()).contains("> POST /api/2.0/postgres/credentials", " TRACE ");
			String secretProperty = identity.isServicePrincipal() ? "lakebase.workspace.client-secret"
					: "lakebase.workspace.token";
			assertThat(get(base + "/actuator/env/" + secretProperty)).contains("\"value\":\"******\"");
		}
		assertThat(databaseTokens).as("database credentials obtained").hasSizeGreaterThanOrEqualTo(3);
		List<String> secrets = new ArrayList<>(databaseTokens);
		// Whole tokens, and their fragments: the first bytes (which the SDK's DEBUG log would show of
		// each field) and the signature.
		databaseTokens.forEach((token) -> {
			secrets.add(token.substring(0, 40));
			secrets.add(token.substring(token.lastIndexOf('.') + 1));
		});
		secrets.add(identity.secret());
		assertThat(JWT_FRAGMENT.matcher(output.getAll()).results().map(MatchResult::group)).as("token fragments printed")
			.isEmpty();
		for (String secret : secrets) {
			assertThat(output.getAll()).as("printed output").doesNotContain(secret);
			for (String response : served) {
				assertThat(response).as("actuator response").doesNotContain(secret);
			}
		}
	}

	@Test
	void noSecretFromTheCommandLineOrSpringApplicationJsonInTheOutputOrActuatorOfAForkedJvm() throws Exception {
		// The ways a secret reaches a real process: the command line (which the JVM also shows as the
		// system property sun.java.command) and SPRING_APPLICATION_JSON (an environment variable and
		// a property source of its own).
		Map<String, String> properties = scannedApplication(SERVICE_PRINCIPAL, "leak_scan_forked");
		properties.remove("lakebase.workspace.client-secret");
		properties.put("logging.level.io.lakebase", "trace");
		properties.put("logging.level.com.databricks", "debug");
		properties.put("logging.level.com.databricks.sdk.core.ApiClient", "debug");
		List<String> arguments = new ArrayList<>();
		properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--lakebase.workspace.client-secret=" + SERVICE_PRINCIPAL.secret());
		String json = "{\"lakebase\":{\"workspace\":{\"client-secret\":\"" + SERVICE_PRINCIPAL.secret() + "\"}}}";
		List<String> served = new ArrayList<>();
		// And the SDK's own switch that would print whole response fields (tokens) at DEBUG.
		Map<String, String> environment = Map.of("SPRING_APPLICATION_JSON", json, "DATABRICKS_DEBUG_TRUNCATE_BYTES",
				"100000");
		try (ForkedSample sample = ForkedSample.start(List.of(), arguments, environment)) {
			String base = sample.url();
			served.add(send("POST", base + "/notes", "{\"title\":\"forked\",\"body\":\"b\"}").body());
			served.addAll(fetchActuatorEndpoints(base));
			for (String path : List.of("env/sun.java.command", "env/SPRING_APPLICATION_JSON", "env/spring.application.json")) {
				served.add(get(base + "/actuator/" + path));
			}
			// Controls: the secret was really there to be found, and the application used it.
			String commandLine = get(base + "/actuator/env/sun.java.command");
			assertThat(commandLine).contains("\"value\":\"******\"");
			assertThat(get(base + "/actuator/env")).contains("commandLineArgs", "spring.application.json",
					"SPRING_APPLICATION_JSON");
			assertThat((String) JsonPath.read(get(base + "/actuator/health"), "$.components.lakebase.status"))
				.isEqualTo("UP");
			assertThat(sample.output()).contains("Connected to Lakebase");
			for (String response : served) {
				assertThat(response).as("actuator response").doesNotContain(SERVICE_PRINCIPAL.secret());
			}
			assertThat(sample.output()).as("printed output").doesNotContain(SERVICE_PRINCIPAL.secret());
			assertThat(sample.output()).as("the SDK's DEBUG log of the credential call")
				.contains("> POST /api/2.0/postgres/credentials");
			assertThat(JWT_FRAGMENT.matcher(sample.output()).results().map(MatchResult::group))
				.as("token fragments printed")
				.isEmpty();
		}
	}

	// The sample on the local Lakebase as an identity, in a schema of its own, with every actuator
	// endpoint exposed and values shown.
	private static Map<String, String> scannedApplication(Identity identity, String schema) {
		Map<String, String> properties = new LinkedHashMap<>(lakebase.get().springProperties(identity));
		properties.put("lakebase.schema", schema);
		properties.put("spring.flyway.schemas", schema);
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("management.endpoints.web.exposure.include", "*");
		properties.put("management.endpoint.env.show-values", "always");
		properties.put("management.endpoint.configprops.show-values", "always");
		properties.put("management.endpoint.health.show-details", "always");
		return properties;
	}

	private ConfigurableApplicationContext start(Identity identity, Set<String> databaseTokens) {
		// A schema per identity: the other identity's tables are not its own.
		Map<String, String> properties = scannedApplication(identity,
				identity.isServicePrincipal() ? "leak_scan_principal" : "leak_scan_user");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "debug");
		// A Databricks configuration file asking the SDK to log whole response fields at DEBUG.
		properties.put("lakebase.workspace.config-file", debugConfigFile.toString());
		// The test's own HTTP client: not part of the application, and very chatty.
		properties.put("logging.level.jdk.internal.httpclient", "info");
		for (String logger : List.of("io.lakebase", "com.databricks", "org.postgresql", "com.zaxxer",
				"org.springframework.boot.actuate", "org.springframework.jdbc")) {
			properties.put("logging.level." + logger, "trace");
		}
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// Records every credential through the starter's own listener hook.
		application.addInitializers((context) -> context.getBeanFactory()
			.registerSingleton("tokenRecorder", new LakebaseCredentialListener() {
				@Override
				public void fetched(LakebaseCredential credential, Duration took) {
					databaseTokens.add(credential.token());
				}
			}));
		// As command-line arguments: ahead of application.yml, and seen when logging is set up.
		return application.run(properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new));
	}

	private void driveRotationsAndFailures(String base, HikariDataSource dataSource, List<String> served)
			throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(9).toNanos();
		int round = 0;
		while (System.nanoTime() < deadline) {
			served.add(send("POST", base + "/notes", "{\"title\":\"leak scan " + round + "\",\"body\":\"b\"}").body());
			if (round % 5 == 0) {
				dataSource.getHikariPoolMXBean().softEvictConnections();
			}
			round++;
			Thread.sleep(150);
		}
		// Failures: a bad request, a missing note, refused logins, and a throttled credential API.
		served.add(send("POST", base + "/notes", "{\"title\":\"\"}").body());
		served.add(send("GET", base + "/notes/999999", null).body());
		lakebase.get().faults().rejectLoginsFor(Duration.ofSeconds(2));
		dataSource.getHikariPoolMXBean().softEvictConnections();
		served.add(get(base + "/actuator/health"));
		lakebase.get().faults().failNextCredentialRequests(4, 503, Duration.ZERO);
		Thread.sleep(3000);
		served.add(get(base + "/actuator/health"));
		lakebase.get().faults().reset();
	}

	private List<String> fetchActuatorEndpoints(String base) throws Exception {
		List<String> responses = new ArrayList<>();
		String index = get(base + "/actuator");
		responses.add(index);
		Map<String, Map<String, Object>> links = JsonPath.read(index, "$._links");
		links.forEach((name, link) -> {
			if (!NOT_FETCHED.contains(name) && !Boolean.TRUE.equals(link.get("templated"))) {
				responses.add(get((String) link.get("href")));
			}
		});
		for (String path : List.of("env/lakebase.workspace.client-secret", "env/lakebase.workspace.token",
				"metrics/lakebase.credential.fetch", "metrics/lakebase.credential.expires.in",
				"configprops/lakebase", "configprops/spring.datasource")) {
			responses.add(get(base + "/actuator/" + path));
		}
		assertThat(responses).anySatisfy((response) -> assertThat(response).contains("lakebase.workspace.host"));
		return responses;
	}

	private String get(String url) {
		try {
			return send("GET", url, null).body();
		}
		catch (Exception ex) {
			throw new IllegalStateException("GET " + url + " failed", ex);
		}
	}

	private HttpResponse<String> send(String method, String url, String json) throws Exception {
		return this.http.send(JsonRequests.of(method, url, json), HttpResponse.BodyHandlers.ofString());
	}

}
