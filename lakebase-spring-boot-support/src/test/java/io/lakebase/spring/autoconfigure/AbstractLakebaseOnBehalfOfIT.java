package io.lakebase.spring.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseUserDataSource;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.spring.autoconfigure.onbehalfof.UserNotesApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections on behalf of the signed-in user, end to end through real HTTP requests on a local
 * Lakebase with several users: the Databricks Apps header, a bearer token exchanged through token
 * federation, 401 and 403 for refused users with no connection opened, row-level security keeping
 * users apart under concurrent requests, health counts without names and the application's health
 * still UP. Run on each Spring Boot line by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractLakebaseOnBehalfOfIT {

	private static final String ISSUER = "https://idp.example.com";

	private static final String AUDIENCE = "lakebase-notes";

	private static final Identity ALICE = Identity.user("alice@example.com", "dapi-alice-pat");

	private static final Identity BOB = Identity.user("bob@example.com", "dapi-bob-pat");

	private static final Identity CAROL = Identity.user("carol@example.com", "dapi-carol-pat").withoutPostgresRole();

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(Identity.servicePrincipal(LocalLakebase.DEFAULT_CLIENT_ID, "application-secret"))
		.identity(ALICE)
		.identity(BOB)
		.identity(CAROL)
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.tokenFederation(ISSUER, AUDIENCE));

	private final SpringBootLine line;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private ConfigurableApplicationContext apps;

	protected AbstractLakebaseOnBehalfOfIT(SpringBootLine line) {
		this.line = line;
	}

	@BeforeAll
	void startApplications() {
		// Both sources, the Apps header first: each test sends what one of them reads.
		this.apps = start("lakebase.on-behalf-of.enabled=true",
				"lakebase.on-behalf-of.token-sources=forwarded-access-token,token-exchange");
		JdbcClient application = JdbcClient.create(this.apps.getBean(DataSource.class));
		application.sql("create table user_note (id bigint generated always as identity, "
				+ "owner text not null default current_user, title text not null)").update();
		application.sql("alter table user_note enable row level security").update();
		application.sql("create policy own_notes on user_note using (owner = current_user) "
				+ "with check (owner = current_user)").update();
		application.sql("grant select, insert on user_note to public").update();
	}

	@AfterAll
	void stopApplications() {
		if (this.apps != null) {
			this.apps.close();
		}
	}

	@BeforeEach
	void resetStats() {
		lakebase.get().stats().reset();
	}

	@Test
	void theForwardedTokensUserIsTheRoleWhileTheDataSourceStaysTheApplications() throws Exception {
		HttpResponse<String> response = get(this.apps, "/me", forwarded(token(ALICE)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"role\":\"alice@example.com\"")
			.contains("\"application\":\"" + LocalLakebase.DEFAULT_CLIENT_ID + "\"");
		// Injecting a DataSource by type still gives the application's pool.
		assertThat(this.apps.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
		assertThat(this.apps.getBean("lakebaseUserDataSource")).isInstanceOf(LakebaseUserDataSource.class);
	}

	@Test
	void withoutATokenOrWithOneTheWorkspaceRejectsTheAnswerIs401AndNoUserLogsIn() throws Exception {
		String revoked = token(BOB);
		lakebase.get().revokeAccessTokens(BOB.name());
		long loginsBefore = lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected();
		HttpResponse<String> missing = get(this.apps, "/me");
		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
		for (String token : List.of("not-a-token", revoked)) {
			HttpResponse<String> response = get(this.apps, "/me", forwarded(token));
			assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
			assertThat(response.body()).doesNotContain(token);
		}
		// The application's own connection may log in; no user's did.
		assertThat(lakebase.get().stats().credentialRequestsBy(BOB.name())).isZero();
		assertThat(lakebase.get().stats().loginsRejected()).isEqualTo(0);
		assertThat(lakebase.get().stats().loginsAccepted() + lakebase.get().stats().loginsRejected())
			.isLessThanOrEqualTo(loginsBefore + 1);
	}

	@Test
	void aUserWithoutAPostgresRoleIsForbidden() throws Exception {
		HttpResponse<String> response = get(this.apps, "/me", forwarded(token(CAROL)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
	}

	@Test
	void rowLevelSecurityKeepsUsersApartUnderConcurrentRequests() throws Exception {
		String alice = token(ALICE);
		String bob = token(BOB);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<Integer>> work = new ArrayList<>();
		for (int thread = 0; thread < 8; thread++) {
			String token = (thread % 2 == 0) ? alice : bob;
			String email = (thread % 2 == 0) ? ALICE.name() : BOB.name();
			int number = thread;
			work.add(threads.submit(() -> {
				for (int i = 0; i < 5; i++) {
					HttpResponse<String> created = send("POST", this.apps, "/me/notes?title=t" + number + "-" + i,
							forwarded(token));
					assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
				}
				HttpResponse<String> listed = get(this.apps, "/me/notes", forwarded(token));
				assertThat(listed.statusCode()).isEqualTo(200);
				String other = email.equals(ALICE.name()) ? BOB.name() : ALICE.name();
				assertThat(listed.body()).contains(email + ":t" + number + "-4").doesNotContain(other);
				return listed.body().split(",").length;
			}));
		}
		for (Future<Integer> done : work) {
			assertThat(done.get()).isGreaterThanOrEqualTo(5);
		}
		threads.shutdown();
		LakebaseUserPools.Status status = this.apps.getBean(LakebaseUserPools.class).status();
		assertThat(status.connections()).isLessThanOrEqualTo(2 * LakebaseUserPools.DEFAULT_MAX_POOL_SIZE);
	}

	@Test
	void healthCountsTheUsersPooledWithoutNamingThem() throws Exception {
		assertThat(get(this.apps, "/me", forwarded(token(ALICE))).statusCode()).isEqualTo(200);
		SpringBootLine.HealthReport health = this.line.health(this.apps);
		assertThat(health.status()).isEqualTo("UP");
		@SuppressWarnings("unchecked")
		Map<String, Object> onBehalfOf = (Map<String, Object>) health.details().get("onBehalfOf");
		assertThat(onBehalfOf).containsKeys("usersPooled", "maxUsers", "connections", "maxConnections");
		assertThat((Integer) onBehalfOf.get("usersPooled")).isPositive();
		assertThat(health.details().toString()).doesNotContain(ALICE.name());
	}

	@Test
	void theApplicationsHealthStaysUpWithTheUserDataSourceOutOfTheDbContributor() throws Exception {
		// Within seconds: on a loaded machine one check of the lakebase component may run out its 2 s.
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			HttpResponse<String> health = get(this.apps, "/actuator/health");
			assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
			assertThat(health.body()).contains("\"db\"").doesNotContain("lakebaseUserDataSource");
		});
	}

	@Test
	void aBearerTokenIsExchangedForTheUsersDatabricksTokenThroughFederation() throws Exception {
		HttpResponse<String> response = get(this.apps, "/me", bearer(external(ALICE.name())));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"role\":\"alice@example.com\"");
		HttpResponse<String> unknown = get(this.apps, "/me", bearer(external("mallory@example.com")));
		assertThat(unknown.statusCode()).isEqualTo(401);
		// The first source that finds a token decides: the Apps header, before the bearer token.
		String[] both = { "X-Forwarded-Access-Token", token(BOB), "Authorization", "Bearer " + external(ALICE.name()) };
		assertThat(get(this.apps, "/me", both).body()).contains("\"role\":\"bob@example.com\"");
		// A token that a source found but cannot use fails the request: the next source is not asked.
		String[] refused = { "X-Forwarded-Access-Token", "not-a-token", "Authorization",
				"Bearer " + external(ALICE.name()) };
		assertThat(get(this.apps, "/me", refused).statusCode()).isEqualTo(401);
	}

	private ConfigurableApplicationContext start(String... extra) {
		Map<String, Object> properties = new LinkedHashMap<>(lakebase.get().springProperties());
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("spring.main.banner-mode", "off");
		properties.put("management.health.lakebase.enabled", "true");
		properties.put("management.endpoint.health.show-components", "always");
		// So that a failure shows why a component is DOWN.
		properties.put("management.endpoint.health.show-details", "always");
		for (String property : extra) {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return new SpringApplicationBuilder(UserNotesApplication.class).properties(properties).run();
	}

	private static String token(Identity identity) {
		return lakebase.get().issueAccessToken(identity, Duration.ofHours(1));
	}

	private static String[] forwarded(String token) {
		return new String[] { "X-Forwarded-Access-Token", token };
	}

	private static String[] bearer(String token) {
		return new String[] { "Authorization", "Bearer " + token };
	}

	// An identity provider's token for the application's audience.
	private static String external(String subject) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":"
				+ (System.currentTimeMillis() / 1000 + 3600) + "}";
		return encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path, String... headers)
			throws Exception {
		return send("GET", context, path, headers);
	}

	private HttpResponse<String> send(String method, ConfigurableApplicationContext context, String path,
			String... headers) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
