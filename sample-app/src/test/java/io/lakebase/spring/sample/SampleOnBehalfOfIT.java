package io.lakebase.spring.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with LAKEBASE_ONBEHALFOF_ENABLED=true over HTTP on a local Lakebase with two users:
 * {@code GET /me} is the user's own Postgres role, 401 without a token or with one the workspace
 * rejects, 403 for a user without a role; the private notes of one user are never the other's,
 * under concurrent requests; and no user token or credential is printed, whatever the log level.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"logging.level.io.lakebase=trace", "logging.level.com.databricks=debug", "logging.level.org.postgresql=debug",
		"logging.level.com.zaxxer=debug", "management.endpoint.health.show-details=always" })
@ExtendWith(OutputCaptureExtension.class)
class SampleOnBehalfOfIT {

	private static final Identity ALICE = Identity.user("alice@example.com", "dapi-sample-alice");

	private static final Identity BOB = Identity.user("bob@example.com", "dapi-sample-bob");

	private static final Identity ROLELESS = Identity.user("carol@example.com", "dapi-sample-carol").withoutPostgresRole();

	// The start of a JWT (a base64url JSON object): a user's token, a credential, or a piece of one.
	private static final Pattern JWT_FRAGMENT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(Identity.servicePrincipal(LocalLakebase.DEFAULT_CLIENT_ID, "sample-on-behalf-secret"))
		.identity(ALICE)
		.identity(BOB)
		.identity(ROLELESS));

	@DynamicPropertySource
	static void lakebaseProperties(DynamicPropertyRegistry registry) {
		lakebase.get().registerProperties(registry);
		// What LAKEBASE_ONBEHALFOF_ENABLED=true binds to.
		registry.add("lakebase.on-behalf-of.enabled", () -> "true");
	}

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void meIsTheSignedInUsersRoleAndRefusedUsersGet401Or403(CapturedOutput output) throws Exception {
		String alice = token(ALICE);
		HttpResponse<String> me = send("GET", "/me", null, alice);
		assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
		assertThat((String) JsonPath.read(me.body(), "$.role")).isEqualTo(ALICE.name());
		assertThat(send("GET", "/me", null, null).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/me", null, "not-a-token").statusCode()).isEqualTo(401);
		String revoked = token(BOB);
		lakebase.get().revokeAccessTokens(BOB.name());
		assertThat(send("GET", "/me", null, revoked).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/me", null, token(ROLELESS)).statusCode()).isEqualTo(403);
		// The notes API still runs as the application.
		assertThat(send("POST", "/notes", "{\"title\":\"shared\"}", null).statusCode()).isEqualTo(201);
		String health = send("GET", "/actuator/health/lakebase", null, null).body();
		assertThat((Integer) JsonPath.read(health, "$.details.onBehalfOf.usersPooled")).isPositive();
		assertThat(health).doesNotContain(ALICE.name());
		assertThat(JWT_FRAGMENT.matcher(output.getAll()).results().map(MatchResult::group)).as("tokens printed")
			.isEmpty();
		assertThat(output.getAll()).contains("/api/2.0/preview/scim/v2/Me");
	}

	@Test
	void oneUserNeverSeesAnothersPrivateNotes() throws Exception {
		String alice = token(ALICE);
		String bob = token(BOB);
		ExecutorService threads = Executors.newFixedThreadPool(6);
		List<Future<?>> work = new ArrayList<>();
		for (int thread = 0; thread < 6; thread++) {
			String token = (thread % 2 == 0) ? alice : bob;
			int number = thread;
			work.add(threads.submit(() -> {
				for (int i = 0; i < 5; i++) {
					HttpResponse<String> created = send("POST", "/me/notes",
							"{\"title\":\"note " + number + "." + i + "\"}", token);
					assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
				}
				return null;
			}));
		}
		for (Future<?> done : work) {
			done.get();
		}
		threads.shutdown();
		List<String> aliceOwners = JsonPath.read(send("GET", "/me/notes", null, alice).body(), "$[*].owner");
		List<String> bobOwners = JsonPath.read(send("GET", "/me/notes", null, bob).body(), "$[*].owner");
		assertThat(aliceOwners).hasSizeGreaterThanOrEqualTo(15).containsOnly(ALICE.name());
		assertThat(bobOwners).hasSizeGreaterThanOrEqualTo(15).containsOnly(BOB.name());
	}

	private static String token(Identity identity) {
		return lakebase.get().issueAccessToken(identity, Duration.ofHours(1));
	}

	private HttpResponse<String> send(String method, String path, @Nullable String json, @Nullable String userToken)
			throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (userToken != null) {
			request.header("X-Forwarded-Access-Token", userToken);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
