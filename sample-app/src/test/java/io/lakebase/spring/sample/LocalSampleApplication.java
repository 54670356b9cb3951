package io.lakebase.spring.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseMain;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the sample on a local Lakebase, for {@code mvn spring-boot:test-run}: no Databricks
 * account, no Docker. Reads go to the local read replica, writes to the primary. The local Lakebase stops with the JVM.
 */
public final class LocalSampleApplication {

	private static final String ALICE = "alice@example.com";

	private static final String BOB = "bob@example.com";

	private LocalSampleApplication() {
	}

	// The tokens the Databricks Apps proxy would forward for each user, valid for 12 hours.
	static String usersDescription(LocalLakebase lakebase) {
		StringBuilder description = new StringBuilder("On behalf of users (run with LAKEBASE_ONBEHALFOF_ENABLED=true):");
		for (String user : new String[] { ALICE, BOB }) {
			String token = lakebase.issueAccessToken(lakebase.identity(user), Duration.ofHours(12));
			description.append(System.lineSeparator())
				.append("  ")
				.append(user)
				.append(": curl -H 'X-Forwarded-Access-Token: ")
				.append(token)
				.append("' http://localhost:8080/me");
		}
		return description.toString();
	}

	public static void main(String[] args) {
		// The service principal the app runs as, and two signed-in users with Postgres roles of
		// their own, for GET /me with LAKEBASE_ONBEHALFOF_ENABLED=true.
		LocalLakebase lakebase = LocalLakebase.builder()
			.identity(Identity.servicePrincipal(LocalLakebase.DEFAULT_CLIENT_ID, "local-secret-" + UUID.randomUUID()))
			.identity(Identity.user(ALICE, "dapi-local-" + UUID.randomUUID()))
			.identity(Identity.user(BOB, "dapi-local-" + UUID.randomUUID()))
			.start();
		// Where the local Lakebase listens, and how to reach it with psql or another client.
		System.out.println(LocalLakebaseMain.describe(lakebase));
		System.out.println(usersDescription(lakebase));
		Map<String, Object> properties = new LinkedHashMap<>(lakebase.springProperties());
		// The local project's read replica serves the read-only transactions (listing and getting notes).
		properties.putAll(lakebase.readOnlySpringProperties());
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// Ahead of application.yml, whose placeholders stand for a real workspace.
		application.addInitializers((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("lakebase-local", properties)));
		application.run(args);
	}

}
