package io.lakebase.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.local.LocalLakebase;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code @SpringBootTest} classes annotated with {@link LakebaseTestBranch
 * @LakebaseTestBranch} through the JUnit Platform: the application, configured for the parent's
 * endpoint, reaches the branch's compute and writes there while the parent stays unchanged; the
 * test gets the {@link TestBranch} as a bean; a class-scoped branch is deleted with its context; a
 * missing parent fails the context with a report naming the property.
 */
class LakebaseTestBranchSpringIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	static final Map<String, String> seen = new ConcurrentHashMap<>();

	@BeforeAll
	static void parentHasARow() throws Exception {
		LakebaseTestBranchIT.parentHasARow(lakebase.get());
	}

	@Test
	void theApplicationWritesToTheBranchAndTheParentStaysUnchanged() {
		runSpring(Map.of(), WritesThroughTheApplication.class, WritesOnItsOwnBranch.class).assertSucceeded(2);

		assertThat(seen.get("app.dialled")).isEqualTo(seen.get("app.host")).isNotEqualTo(lakebase.get().host());
		assertThat(seen.get("app.rows")).isEqualTo("[from the parent, from the application]");
		assertThat(seen.get("own.rows")).isEqualTo("[own, from the parent]");
		assertThat(seen.get("own.branch")).isNotEqualTo(seen.get("app.branch"));
		assertThat(LakebaseTestBranchIT.parentRows()).containsExactly("from the parent");
		LakebaseTestBranchIT.assertGone(seen.get("app.branch"));
		LakebaseTestBranchIT.assertGone(seen.get("own.branch"));
	}

	@Test
	void aMissingParentFailsTheContextWithAReportNamingTheProperty() {
		Runs results = runSpring(Map.of(TestBranchSettings.PARENT, "projects/local/branches/gone"),
				WritesThroughTheApplication.class);

		Throwable failure = results.onlyFailure();
		TestBranchException report = report(failure);
		assertThat(report).as("the report in %s", failure).isNotNull();
		assertThat(report.getProperty()).isEqualTo(TestBranchSettings.PARENT);
		assertThat(report).hasMessageContaining(
				"lakebase.test.parent is projects/local/branches/gone, which does not exist; the branches of "
						+ "projects/local: main");
	}

	@Test
	void anApplicationThatDoesNotFollowLakebaseEndpointIsRefusedBeforeItConnects() {
		Runs results = runSpring(Map.of(), OwnConnectionDetailsTest.class);

		Throwable failure = results.onlyFailure();
		TestBranchException report = report(failure);
		assertThat(report).as("the report in %s", failure).isNotNull();
		assertThat(report.getProperty()).isEqualTo("lakebase.endpoint");
		assertThat(report).hasMessageContaining("The application connects to " + LocalLakebase.DEFAULT_ENDPOINT
				+ ", not to the test branch's compute");
		assertThat(LakebaseTestBranchIT.parentRows()).containsExactly("from the parent");
	}

	private static TestBranchException report(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TestBranchException report) {
				return report;
			}
		}
		return null;
	}

	// Spring reads system properties (the application's environment), not JUnit's parameters.
	private static Runs runSpring(Map<String, String> extra, Class<?>... classes) {
		Map<String, String> settings = LakebaseTestBranchIT.settings();
		// The application names the parent's endpoint: the branch must win over it.
		settings.put("lakebase.endpoint", LocalLakebase.DEFAULT_ENDPOINT);
		settings.putAll(extra);
		settings.forEach(System::setProperty);
		try {
			return Runs.eachClass(Map.of(), classes);
		}
		finally {
			settings.keySet().forEach(System::clearProperty);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OwnConnectionDetailsApplication {

		// Always the parent's endpoint, whatever lakebase.endpoint says.
		@Bean
		LakebaseConnectionDetails lakebaseConnectionDetails(Environment environment) {
			LakebaseConnectionSettings settings = LakebaseConnectionSettings
				.builder(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT))
				.port(Integer.parseInt(environment.getProperty("lakebase.port")))
				.sslRootCert(environment.getProperty("lakebase.ssl.root-cert"))
				.build();
			return () -> settings;
		}

	}

	@SpringBootTest(classes = OwnConnectionDetailsApplication.class, webEnvironment = WebEnvironment.NONE)
	@LakebaseTestBranch
	@DirtiesContext
	static class OwnConnectionDetailsTest {

		@Autowired
		JdbcTemplate jdbc;

		@Test
		void writes() {
			this.jdbc.update("INSERT INTO notes VALUES ('from the application')");
		}

	}

	@SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.NONE)
	@LakebaseTestBranch
	@DirtiesContext
	static class WritesThroughTheApplication {

		@Autowired
		JdbcTemplate jdbc;

		@Autowired
		TestBranch branch;

		@Test
		void writes() {
			this.jdbc.update("INSERT INTO notes VALUES ('from the application')");
			seen.put("app.branch", this.branch.name());
			seen.put("app.host", this.branch.host());
			seen.put("app.dialled",
					this.jdbc.queryForObject("SELECT current_setting('" + LocalLakebase.HOST_SETTING + "')", String.class));
			seen.put("app.rows", this.jdbc.queryForList("SELECT text FROM notes ORDER BY text DESC", String.class)
				.toString());
		}

	}

	@SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.NONE)
	@LakebaseTestBranch(scope = LakebaseTestBranch.Scope.CLASS)
	@DirtiesContext
	static class WritesOnItsOwnBranch {

		@Autowired
		JdbcTemplate jdbc;

		@Autowired
		TestBranch branch;

		@Test
		void writes() {
			this.jdbc.update("INSERT INTO notes VALUES ('own')");
			seen.put("own.branch", this.branch.name());
			seen.put("own.rows", this.jdbc.queryForList("SELECT text FROM notes ORDER BY text DESC", String.class)
				.toString());
		}

	}

}
