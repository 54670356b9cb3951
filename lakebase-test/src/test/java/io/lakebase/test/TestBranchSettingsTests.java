package io.lakebase.test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.databricks.sdk.core.DatabricksConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests what {@link TestBranchSettings} reads, and what a missing or malformed value gets: a
 * report naming the property and how to fix it.
 */
class TestBranchSettingsTests {

	private final Map<String, String> properties = new HashMap<>(Map.of("lakebase.test.parent",
			"projects/shop/branches/production"));

	@Test
	void readsTheParentAndDefaults() {
		TestBranchSettings settings = TestBranchSettings.from(this.properties::get);

		assertThat(settings.parent()).isEqualTo("projects/shop/branches/production");
		assertThat(settings.project()).isEqualTo("shop");
		assertThat(settings.parentBranchId()).isEqualTo("production");
		assertThat(settings.ttl()).isEqualTo(Duration.ofHours(1));
		assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.branchId()).isNull();
		assertThat(settings.parentTime()).isNull();
		assertThat(settings.keep()).isFalse();
	}

	@Test
	void theAnnotationsParentWinsOverTheProperty() {
		assertThat(TestBranchSettings.from(this.properties::get, "projects/shop/branches/staging").parent())
			.isEqualTo("projects/shop/branches/staging");
		assertThat(TestBranchSettings.from(this.properties::get, " ").parent())
			.isEqualTo("projects/shop/branches/production");
	}

	@Test
	void readsDurationsTimesAndIds() {
		this.properties.put("lakebase.test.ttl", "30m");
		this.properties.put("lakebase.test.timeout", "PT90S");
		this.properties.put("lakebase.test.branch-id", "ci-pr-123");
		this.properties.put("lakebase.test.parent-time", "2026-12-01T10:00:00Z");
		this.properties.put("lakebase.test.keep", "true");

		TestBranchSettings settings = TestBranchSettings.from(this.properties::get);

		assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(30));
		assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(90));
		assertThat(settings.branchId()).isEqualTo("ci-pr-123");
		assertThat(settings.parentTime()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
		assertThat(settings.keep()).isTrue();
	}

	@Test
	void aMissingParentIsReportedByProperty() {
		this.properties.clear();

		assertThatExceptionOfType(TestBranchException.class).isThrownBy(() -> TestBranchSettings.from(this.properties::get))
			.withMessageContaining("lakebase.test.parent is not set")
			.withMessageContaining("LAKEBASE_TEST_PARENT")
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("lakebase.test.parent"));
	}

	@Test
	void malformedValuesAreReportedByProperty() {
		assertRefused("lakebase.test.parent", "production", "not a branch name");
		assertRefused("lakebase.test.parent", "projects/shop/branches/production/endpoints/primary",
				"not a branch name");
		assertRefused("lakebase.test.branch-id", "CI_Run", "which Lakebase refuses as a branch id");
		assertRefused("lakebase.test.branch-id", "1st", "starting with a letter");
		assertRefused("lakebase.test.ttl", "forever", "set a duration of at least a second");
		assertRefused("lakebase.test.ttl", "0s", "set a duration of at least a second");
		assertRefused("lakebase.test.timeout", "-5m", "set a duration");
		assertRefused("lakebase.test.parent-time", "yesterday", "RFC 3339");
		assertRefused("lakebase.test.keep", "yes", "set it to true or false");
		assertRefused("lakebase.port", "five", "set a port number");
		assertRefused("lakebase.ssl.mode", "strict", "verify-full");
		assertRefused("lakebase.test.ttl", "5m", "is not longer than lakebase.test.timeout");
	}

	@Test
	void readsTheWorkspaceAsTheStarterDoes() {
		this.properties.put("lakebase.workspace.host", "https://example.cloud.databricks.com");
		this.properties.put("lakebase.workspace.client-id", "sp-id");
		this.properties.put("lakebase.workspace.client-secret", "very-secret");
		this.properties.put("lakebase.workspace.profile", "ci");

		DatabricksConfig config = TestBranchSettings.from(this.properties::get).databricksConfig();

		assertThat(config.getHost()).isEqualTo("https://example.cloud.databricks.com");
		assertThat(config.getClientId()).isEqualTo("sp-id");
		assertThat(config.getClientSecret()).isEqualTo("very-secret");
		assertThat(config.getProfile()).isEqualTo("ci");
	}

	@Test
	void toStringShowsNoSecret() {
		this.properties.put("lakebase.workspace.client-secret", "very-secret");
		this.properties.put("lakebase.workspace.token", "dapi-secret");
		this.properties.put("lakebase.workspace.client-id", "sp-id");

		assertThat(TestBranchSettings.from(this.properties::get).toString()).contains("sp-id", "production")
			.doesNotContain("very-secret", "dapi-secret");
	}

	@Test
	void equalSettingsAreEqual() {
		assertThat(TestBranchSettings.from(this.properties::get)).isEqualTo(TestBranchSettings.from(this.properties::get))
			.hasSameHashCodeAs(TestBranchSettings.from(this.properties::get));
		Map<String, String> other = new HashMap<>(this.properties);
		other.put("lakebase.test.ttl", "2h");
		assertThat(TestBranchSettings.from(this.properties::get)).isNotEqualTo(TestBranchSettings.from(other::get));
	}

	@Test
	void generatedIdsAreReadableValidAndDistinct() {
		String id = TestBranches.newId();

		assertThat(id).matches("test-\\d{8}-\\d{6}-[a-z0-9]{6}").hasSizeLessThanOrEqualTo(63);
		assertThat(TestBranches.newId()).isNotEqualTo(id);
	}

	private void assertRefused(String property, String value, String message) {
		Map<String, String> values = new HashMap<>(this.properties);
		values.put(property, value);
		assertThatExceptionOfType(TestBranchException.class).as(property + "=" + value)
			.isThrownBy(() -> TestBranchSettings.from(values::get))
			.withMessageContaining(property)
			.withMessageContaining(message)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo(property));
	}

}
