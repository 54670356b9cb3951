package io.lakebase.spring.autoconfigure.actuate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.SanitizableData;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LakebaseSanitizingFunction}.
 */
class LakebaseSanitizingFunctionTests {

	private final LakebaseSanitizingFunction function = new LakebaseSanitizingFunction();

	@ParameterizedTest
	@ValueSource(strings = { "lakebase.workspace.client-secret", "lakebase.workspace.clientSecret",
			"LAKEBASE_WORKSPACE_CLIENTSECRET", "lakebase.workspace.token", "DATABRICKS_CLIENT_SECRET",
			"DATABRICKS_TOKEN", "ARM_CLIENT_SECRET", "DATABRICKS_PASSWORD", "spring.datasource.password",
			"SPRING_DATASOURCE_PASSWORD", "spring.datasource.hikari.password", "sun.java.command",
			"SPRING_APPLICATION_JSON", "spring.application.json", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS" })
	void masksSecretKeys(String key) {
		assertThat(sanitize(key, "plain-value")).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJl",
			"Bearer dapi0123456789abcdef0123456789abcdef" })
	void masksTokenShapedValuesWhateverTheKey(String value) {
		assertThat(sanitize("app.note", value)).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "app.jar --lakebase.workspace.client-secret=s3cr3t --server.port=8080",
			"-Xmx1g -Dlakebase.workspace.token=s3cr3t", "{\"lakebase\":{\"workspace\":{\"clientSecret\": \"s3cr3t\"}}}",
			"{\"lakebase.workspace.client-secret\":\"s3cr3t\"}", "DATABRICKS_CLIENT_SECRET=s3cr3t",
			"--spring.datasource.password=s3cr3t", "DATABRICKS_TOKEN = s3cr3t" })
	void masksValuesThatAssignASecretWhateverTheKey(String value) {
		assertThat(sanitize("app.launch", value)).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	@Test
	void keepsOtherValues() {
		assertThat(sanitize("lakebase.workspace.client-id", "5b4f8e0c-1d2a-4c3b-9e8f-7a6b5c4d3e2f"))
			.isEqualTo("5b4f8e0c-1d2a-4c3b-9e8f-7a6b5c4d3e2f");
		assertThat(sanitize("lakebase.endpoint", "projects/p/branches/b/endpoints/e"))
			.isEqualTo("projects/p/branches/b/endpoints/e");
		assertThat(sanitize("java.vm.name", "OpenJDK 64-Bit Server VM")).isEqualTo("OpenJDK 64-Bit Server VM");
		assertThat(sanitize("app.args", "--lakebase.workspace.client-id=abc --server.port=8080"))
			.isEqualTo("--lakebase.workspace.client-id=abc --server.port=8080");
	}

	private Object sanitize(String key, Object value) {
		return this.function.apply(new SanitizableData(null, key, value)).getValue();
	}

}
