package io.lakebase.compatibility;

import java.util.Map;

import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.test.LakebaseTestBranch;
import io.lakebase.test.TestBranch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the compatibility application as a {@code @SpringBootTest} on a branch of its parent made
 * by {@link LakebaseTestBranch @LakebaseTestBranch}, on the Spring Boot version of its module:
 * configured for the parent's endpoint, the application reaches the branch's compute instead and
 * its writes stay there.
 */
// The local Lakebase first: it stops after the context (and with it the branch) is closed.
@ExtendWith(LocalLakebaseExtension.class)
@SpringBootTest(classes = CompatibilityApplication.class, webEnvironment = WebEnvironment.NONE)
@LakebaseTestBranch(scope = LakebaseTestBranch.Scope.CLASS)
@DirtiesContext
class CompatibilityTestBranchIT {

	private static Map<String, String> properties;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TestBranch branch;

	// Before the context: the application's own settings name the parent's endpoint.
	@BeforeAll
	static void configure(LocalLakebase lakebase) {
		properties = new java.util.LinkedHashMap<>(lakebase.springProperties());
		properties.put("lakebase.test.parent", "projects/local/branches/main");
		properties.put("lakebase.test.timeout", "60s");
		properties.forEach(System::setProperty);
		try (LakebaseDataSource parent = LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(new com.databricks.sdk.core.DatabricksConfig().setHost(lakebase.workspaceUrl())
				.setClientId(lakebase.defaultIdentity().name())
				.setClientSecret(lakebase.defaultIdentity().secret()))
			.settings((settings) -> settings.port(lakebase.port()).sslRootCert(lakebase.caCertificate().toString()))
			.build()) {
			new JdbcTemplate(parent).execute("CREATE TABLE IF NOT EXISTS visits (who text)");
		}
	}

	@AfterAll
	static void clear() {
		properties.keySet().forEach(System::clearProperty);
	}

	@Test
	void theApplicationRunsOnItsBranch(LocalLakebase lakebase) {
		this.jdbc.update("INSERT INTO visits VALUES ('the branch')");

		String dialled = this.jdbc.queryForObject("SELECT current_setting('" + LocalLakebase.HOST_SETTING + "')",
				String.class);
		System.out.println("Compatibility: Spring Boot " + SpringBootVersion.getVersion() + " ran on " + this.branch);
		assertThat(dialled).isEqualTo(this.branch.host()).isNotEqualTo(lakebase.host());
		assertThat(this.branch.endpoint()).startsWith(this.branch.name() + "/endpoints/");
		assertThat(this.jdbc.queryForList("SELECT who FROM visits", String.class)).containsExactly("the branch");
	}

}
