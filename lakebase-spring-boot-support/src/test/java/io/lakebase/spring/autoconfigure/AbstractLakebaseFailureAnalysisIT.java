package io.lakebase.spring.autoconfigure;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.databricks.sdk.core.DatabricksException;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.LakebaseWorkspaceException;
import io.lakebase.local.Endpoint;
import io.lakebase.local.Identity;
import io.lakebase.local.Instance;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Each way a Lakebase configuration can be wrong, started as a real application against a local
 * Lakebase: the start fails with Spring Boot's "APPLICATION FAILED TO START" report, whose
 * description names the cause and whose action names the fix, and no secret is printed. Run on
 * each Spring Boot line by a subclass.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class AbstractLakebaseFailureAnalysisIT {

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("4f1c2b3a-6d5e-4a7b-9c8d-0e1f2a3b4c5d",
			"failure-analysis-secret");

	private static final Identity WITHOUT_WORKSPACE_ACCESS = Identity
		.servicePrincipal("7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918", "no-entitlement-secret")
		.withoutWorkspaceAccess();

	private static final Identity WITHOUT_ROLE = Identity
		.servicePrincipal("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "no-role-secret")
		.withoutPostgresRole();

	private static final Identity USER = Identity.user("grace@example.com", "dapi-failure-analysis-pat");

	private static final Pattern NEXT_LOG_LINE = Pattern.compile("\\R\\d{2}:\\d{2}:\\d{2}\\.\\d{3} ");

	private static final String DISABLED_ENDPOINT = "projects/local/branches/main/endpoints/disabled";

	private static final String STOPPED_INSTANCE = "stopped-instance";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(SERVICE_PRINCIPAL)
		.identity(WITHOUT_WORKSPACE_ACCESS)
		.identity(WITHOUT_ROLE)
		.identity(USER)
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.endpoint(Endpoint.of(DISABLED_ENDPOINT).asDisabled())
		.instance(LocalLakebase.DEFAULT_INSTANCE)
		.instance(Instance.of(STOPPED_INSTANCE).asStopped()));

	@TempDir
	static Path home;

	private final SpringBootLine line;

	protected AbstractLakebaseFailureAnalysisIT(SpringBootLine line) {
		this.line = line;
	}

	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
	}

	@Test
	void neitherEndpointNorInstance(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).isEqualTo("Neither lakebase.endpoint nor lakebase.instance is set.");
		assertThat(report.getAction()).startsWith("Update 'lakebase.endpoint'")
			.contains("projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>", "lakebase.instance");
	}

	@Test
	void theStarterWithoutLakebaseSettingsNorADataSourceUrl(CapturedOutput output) {
		// A JDBC application: with R2DBC on the class path (as here, for the R2DBC tests), Boot's own
		// report on the ConnectionFactory would come first.
		String r2dbc = Arrays.stream(Configurations.getClasses(this.line.lakebaseR2dbc()))
			.filter((type) -> type.getSimpleName().equals("R2dbcAutoConfiguration"))
			.findFirst()
			.orElseThrow()
			.getName();
		FailureAnalysis report = startFails(output, Map.of("spring.autoconfigure.exclude", r2dbc));
		assertThat(report.getDescription()).startsWith("Failed to configure a DataSource: neither lakebase.endpoint nor "
				+ "lakebase.instance is set, and no spring.datasource.url either");
		assertThat(report.getAction()).startsWith("Set lakebase.endpoint to projects/<project-id>/branches/")
			.contains("lakebase.instance", "spring.datasource.url");
	}

	@Test
	void bothEndpointAndInstance(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.instance=" + LocalLakebase.DEFAULT_INSTANCE);
		assertThat(report.getDescription()).contains("The following configuration properties are mutually exclusive",
				"lakebase.endpoint", "lakebase.instance");
		assertThat(report.getAction()).contains("only one of the mutually exclusive properties");
	}

	@Test
	void malformedEndpointName(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.endpoint=orders-primary");
		assertThat(report.getDescription()).contains(
				"Invalid value 'orders-primary' for configuration property 'lakebase.endpoint'",
				"projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>");
		assertThat(report.getDescription()).contains("projects/my-project/branches/production/endpoints/primary");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@Test
	void aValueFromAFileIsReportedWithItsFileAndLine(CapturedOutput output) throws IOException {
		Path file = Files.writeString(home.resolve("application-origin.properties"),
				"# the service's configuration\nlakebase.endpoint=orders-primary\n");
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		properties.put("spring.config.import", "file:" + file);
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).contains("Invalid value 'orders-primary' for configuration property "
				+ "'lakebase.endpoint' (originating from 'URL [file:" + file + "] - 2:19')");
	}

	@Test
	void endpointNotFound(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.endpoint=projects/local/branches/main/endpoints/missing");
		assertThat(report.getDescription()).contains("Could not look up the endpoint",
				"projects/local/branches/main/endpoints/missing", "does not exist");
		assertThat(report.getAction()).startsWith("Check lakebase.endpoint")
			.contains("databricks postgres list-endpoints", "lakebase.workspace.host");
	}

	@Test
	void instanceNotFound(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties, "lakebase.instance=orders");
		assertThat(report.getDescription()).contains("Could not look up the database instance 'orders'");
		assertThat(report.getAction()).startsWith("Check lakebase.instance")
			.contains("databricks database list-database-instances");
	}

	@Test
	void servicePrincipalWithoutWorkspaceAccess(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(WITHOUT_WORKSPACE_ACCESS));
		assertThat(report.getDescription()).contains("workspace-access entitlement");
		assertThat(report.getAction()).contains("'Workspace access' entitlement", "Service principals");
	}

	@Test
	void invalidClientSecret(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.workspace.client-secret=wrong-secret-value");
		assertThat(report.getDescription()).contains("invalid_client").doesNotContain("Config:");
		assertThat(report.getAction()).startsWith(
				"Check lakebase.workspace.client-id and lakebase.workspace.client-secret (or DATABRICKS_CLIENT_ID");
		assertThat(output.getAll()).doesNotContain("wrong-secret-value");
	}

	@Test
	void invalidPersonalAccessToken(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(USER), "lakebase.workspace.token=dapi-wrong-token");
		assertThat(report.getDescription()).contains("Could not look up the endpoint");
		assertThat(report.getAction()).startsWith("Check lakebase.workspace.token (or DATABRICKS_TOKEN)")
			.contains("Access tokens");
		assertThat(output.getAll()).doesNotContain("dapi-wrong-token");
	}

	@Test
	void springDatasourceUrlBesideLakebase(CapturedOutput output) {
		long requestsBefore = lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name());
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"spring.datasource.url=jdbc:postgresql://localhost:5432/app", "spring.datasource.password=pg-s3cr3t");
		assertThat(report.getDescription()).contains(
				"spring.datasource.url ('jdbc:postgresql://localhost:5432/app', from ",
				"spring.datasource.password ('******', from ",
				"are set, and so is lakebase.endpoint: the Lakebase connection wins");
		assertThat(report.getAction()).isEqualTo("Remove spring.datasource.url, spring.datasource.password to connect "
				+ "to Lakebase, or set lakebase.enabled=false to connect with spring.datasource.* instead.");
		assertThat(output.getAll()).doesNotContain("pg-s3cr3t");
		// Refused before any call to the workspace.
		assertThat(lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name())).isEqualTo(requestsBefore);
	}

	@Test
	void passwordsInsideConnectionUrlsAreMaskedInTheReport(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"spring.datasource.url=jdbc:postgresql://localhost:5432/app?user=app&password=url-s3cr3t&ssl=true");
		assertThat(report.getDescription())
			.contains("spring.datasource.url ('jdbc:postgresql://localhost:5432/app?user=app&password=******&ssl=true'");
		assertThat(output.getAll()).doesNotContain("url-s3cr3t");
	}

	@Test
	void noWorkspaceHostAnywhere(CapturedOutput output) throws IOException {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.workspace.host");
		properties.put("lakebase.workspace.config-file",
				Files.writeString(home.resolve("databrickscfg-without-host"), "").toString());
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).isEqualTo("No Databricks workspace URL is configured: the starter needs "
				+ "it to look up " + LocalLakebase.DEFAULT_ENDPOINT + " and to obtain database credentials.");
		assertThat(report.getAction()).startsWith("Set the workspace URL")
			.contains("lakebase.workspace.host", "DATABRICKS_HOST", "lakebase.workspace.profile",
					"DATABRICKS_CONFIG_PROFILE", "https://");
	}

	@Test
	void noDatabricksCredentials(CapturedOutput output) throws IOException {
		Map<String, String> properties = properties(USER);
		properties.remove("lakebase.workspace.token");
		// An empty configuration file, so that the machine's ~/.databrickscfg cannot be picked up.
		properties.put("lakebase.workspace.config-file",
				Files.writeString(home.resolve("databrickscfg"), "").toString());
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).startsWith("No Databricks credentials are configured for workspace "
				+ lakebase.get().workspaceUrl());
		assertThat(report.getAction()).contains("lakebase.workspace.client-id and lakebase.workspace.client-secret",
				"DATABRICKS_CLIENT_ID", "lakebase.workspace.token", "DATABRICKS_TOKEN", "lakebase.workspace.profile",
				"env-oidc", "ARM_CLIENT_ID", "databricks-cli", "lakebase.workspace.host");
	}

	@Test
	void aForgottenClientSecretIsNamedFirst(CapturedOutput output) throws IOException {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.workspace.client-secret");
		properties.put("lakebase.workspace.config-file",
				Files.writeString(home.resolve("databrickscfg-empty"), "").toString());
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).startsWith("lakebase.workspace.client-secret (or DATABRICKS_CLIENT_SECRET) "
				+ "is not set, but lakebase.workspace.client-id (or DATABRICKS_CLIENT_ID) is");
		assertThat(report.getAction()).startsWith("Set lakebase.workspace.client-secret (or DATABRICKS_CLIENT_SECRET)");
	}

	@Test
	void missingPostgresRole(CapturedOutput output) {
		String role = WITHOUT_ROLE.name();
		FailureAnalysis report = startFails(output, properties(WITHOUT_ROLE));
		assertThat(report.getDescription()).contains("rejected the login of role '" + role + "'",
				"database 'databricks_postgres'", "role \"" + role + "\" does not exist");
		assertThat(report.getAction()).contains("CREATE EXTENSION IF NOT EXISTS databricks_auth;",
				"SELECT databricks_create_role('" + role + "', 'SERVICE_PRINCIPAL');",
				"GRANT CONNECT ON DATABASE databricks_postgres TO \"" + role + "\";",
				"GRANT USAGE, CREATE ON SCHEMA public TO \"" + role + "\";");
	}

	@Test
	void passwordAuthenticationFailed(CapturedOutput output) {
		lakebase.get().faults().rejectLogins(true);
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL));
		assertThat(report.getDescription()).contains("password authentication failed for user \""
				+ SERVICE_PRINCIPAL.name() + "\"");
		assertThat(report.getAction()).contains("lakebase.username is unset or exactly the identity",
				"databricks_create_role('" + SERVICE_PRINCIPAL.name() + "', 'SERVICE_PRINCIPAL')");
	}

	@Test
	void usernameIsNotTheServicePrincipalClientId(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.username=Orders Service");
		assertThat(report.getDescription()).contains(
				"Invalid value 'Orders Service' for configuration property 'lakebase.username'",
				"The username 'Orders Service' is not the client id", SERVICE_PRINCIPAL.name(),
				"Remove it (the role is then " + SERVICE_PRINCIPAL.name() + ")");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@Test
	void tlsDisabledForARemoteHost(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.mode=disable",
				"lakebase.host=instance-1.database.cloud.databricks.com");
		assertThat(report.getDescription()).contains("Invalid value 'disable' for configuration property 'lakebase.ssl.mode'",
				"instance-1.database.cloud.databricks.com", "not a loopback address", "only accepts encrypted connections",
				"verify-full", "require");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "allow", "prefer" })
	void tlsThatMayFallBackToPlaintextForARemoteHost(String mode, CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.mode=" + mode,
				"lakebase.host=127.attacker.example");
		assertThat(report.getDescription()).contains(
				"Invalid value '" + mode + "' for configuration property 'lakebase.ssl.mode'",
				"unencrypted to 127.attacker.example, which is not a loopback address", "verify-full", "require");
	}

	@Test
	void theDefaultTlsSendsNoPasswordToAServerItCannotVerify(CapturedOutput output) {
		// No lakebase.ssl.* at all: verify-full against the JVM trust store, which holds public CAs,
		// not the CA the local Lakebase made at start (as for a man in the middle's certificate).
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.ssl.root-cert");
		long passwords = lakebase.get().stats().passwordsReceived();
		FailureAnalysis report = startFails(output, properties);
		assertThat(report.getDescription()).startsWith("The TLS certificate of Lakebase " + LocalLakebase.DEFAULT_ENDPOINT
				+ " at 127.0.0.1:" + lakebase.get().port() + " is not signed by any CA of the JVM trust store")
			.contains("lakebase.ssl.mode=verify-full verifies it", "unable to find valid certification path");
		assertThat(report.getAction()).contains("set lakebase.ssl.root-cert to that CA's PEM file",
				"javax.net.ssl.trustStore", "No credential was sent");
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void tlsVerifiedAgainstAnotherCaIsRefused(CapturedOutput output) throws Exception {
		Path otherCa = home.resolve("public-ca.pem");
		Files.writeString(otherCa, TestCertificates.aPublicCaOfTheJvm());
		long passwords = lakebase.get().stats().passwordsReceived();
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.root-cert=" + otherCa);
		assertThat(report.getDescription())
			.contains("is not signed by the CA in lakebase.ssl.root-cert=" + otherCa, "certification path");
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void requireWithAnotherCasRootCertificateVerifiesTheCaAndSendsNoPassword(CapturedOutput output) throws Exception {
		Path otherCa = home.resolve("public-ca.pem");
		Files.writeString(otherCa, TestCertificates.aPublicCaOfTheJvm());
		long passwords = lakebase.get().stats().passwordsReceived();
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.mode=require",
				"lakebase.ssl.root-cert=" + otherCa);
		assertThat(report.getDescription()).contains("is not signed by the CA in lakebase.ssl.root-cert=" + otherCa,
				"lakebase.ssl.mode=require (with lakebase.ssl.root-cert: verify-ca) verifies it");
		assertThat(report.getAction()).contains("lakebase.ssl.root-cert", "javax.net.ssl.trustStore");
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void tlsRootCertificateFileThatDoesNotExist(CapturedOutput output) {
		Path missing = home.resolve("no-such-ca.pem");
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.root-cert=" + missing);
		assertThat(report.getDescription())
			.startsWith("The root certificate file lakebase.ssl.root-cert=" + missing + " does not exist")
			.contains("(lakebase.ssl.mode=verify-full)");
		assertThat(report.getAction()).startsWith("Set lakebase.ssl.root-cert to a readable PEM file");
	}

	@Test
	void credentialLifetimeOutOfRange(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.credential.ttl=2m");
		assertThat(report.getDescription()).contains("Invalid value '2m' for configuration property 'lakebase.credential.ttl'",
				"PT2M", "5 minutes to 1 hour", "between 5m and 1h");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@Test
	void unknownDatabaseHost(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.host=nowhere.invalid");
		assertThat(report.getDescription()).contains("'nowhere.invalid'", "is unknown");
		assertThat(report.getAction()).startsWith("Check lakebase.host and lakebase.port")
			.contains("remove lakebase.host");
	}

	@Test
	void unreachableDatabaseHost(CapturedOutput output) {
		// A refused connection may be a compute still starting: retried, here for two seconds only.
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.port=1",
				"lakebase.startup-timeout=2s");
		assertThat(report.getDescription()).contains("Could not reach Lakebase", "127.0.0.1:1", "refused");
		assertThat(report.getAction()).startsWith("Check lakebase.host and lakebase.port (now 127.0.0.1:1)");
	}

	@Test
	void disabledEndpoint(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.endpoint=" + DISABLED_ENDPOINT);
		assertThat(report.getDescription()).contains("'" + DISABLED_ENDPOINT + "' is disabled", "Enable the compute");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@Test
	void stoppedInstance(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties, "lakebase.instance=" + STOPPED_INSTANCE);
		assertThat(report.getDescription()).contains("'lakebase.instance'", "'" + STOPPED_INSTANCE + "' is stopped");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
		assertThat(report.getDescription()).contains("start-database-instance " + STOPPED_INSTANCE);
	}

	@Test
	void aBranchThatDoesNotExistIsReportedWithTheProjectsBranches(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties, "lakebase.project=local", "lakebase.branch=staging");
		assertThat(report.getDescription()).contains(
				"Invalid value 'staging' for configuration property 'lakebase.branch'",
				"The branch 'projects/local/branches/staging' does not exist; the branches of projects/local: main",
				"Set the branch to one of the project's branches");
	}

	@Test
	void aProjectWithoutABranch(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties, "lakebase.project=local");
		assertThat(report.getDescription()).contains("lakebase.project is set without lakebase.branch");
		assertThat(report.getAction()).contains("Set lakebase.branch too");
	}

	@Test
	void thePoolerWithASchema(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.pooled=true",
				"lakebase.schema=app");
		assertThat(report.getDescription()).contains("Invalid value 'app' for configuration property 'lakebase.schema'",
				"session state, which the pooler's transaction mode does not keep", "lakebase.pooled");
	}

	@Test
	void thePoolerWithSessionStateOfThePool(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.pooled=true",
				"spring.datasource.hikari.transaction-isolation=TRANSACTION_SERIALIZABLE");
		assertThat(report.getDescription()).contains(
				"Invalid value 'TRANSACTION_SERIALIZABLE' for configuration property "
						+ "'spring.datasource.hikari.transaction-isolation'",
				"leaks to another client", "@Transactional(isolation = ...)");
	}

	@Test
	void pooledHost(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.host=pooler.lakebase.invalid");
		assertThat(report.getDescription()).contains(
				"Invalid value 'pooler.lakebase.invalid' for configuration property 'lakebase.host'",
				"'pooler.lakebase.invalid' is the pooled (PgBouncer) host", "Remove it", lakebase.get().host(),
				"and it refused the login", "lakebase.pooled");
		assertThat(report.getAction()).isEqualTo("Review the value of the property with the provided reason.");
	}

	@Test
	void unreachableWorkspaceIsReportedWithTheWorkspaceHost() {
		// Not started for real: the SDK retries a refused workspace for about 25 seconds.
		LakebaseTarget target = LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT);
		LakebaseWorkspaceException failure = new LakebaseWorkspaceException(
				"Could not look up the endpoint in workspace https://nowhere.invalid", target,
				"https://nowhere.invalid", "oauth-m2m",
				new DatabricksException("Request failed", new UnknownHostException("nowhere.invalid")));
		FailureAnalysis report = new LakebaseWorkspaceFailureAnalyzer().analyze(failure);
		assertThat(report.getAction()).startsWith("Check lakebase.workspace.host (or DATABRICKS_HOST)");
	}

	@Test
	void credentialApiThrottledForTheWholeStartupTimeout(CapturedOutput output) {
		lakebase.get().faults().failNextCredentialRequests(1000, 429, Duration.ofSeconds(1));
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.startup-timeout=3s");
		assertThat(report.getDescription()).contains("Could not obtain a database credential for "
				+ LocalLakebase.DEFAULT_ENDPOINT + " within PT3S");
		assertThat(report.getAction()).contains("lakebase.startup-timeout", "lakebase.fail-fast=false");
	}

	@Test
	void anEndpointLookupThrottledWithALongRetryAfterFailsTheStartWithinItsTimeout(CapturedOutput output) {
		// The SDK would sleep through "Retry-After: 300" on the starting thread.
		lakebase.get().faults().failNextLookups(1000, 429, Duration.ofSeconds(300));
		long start = System.nanoTime();
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.startup-timeout=5s");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(report.getDescription()).contains(LocalLakebase.DEFAULT_ENDPOINT, "within PT5S");
		assertThat(report.getAction()).contains("lakebase.startup-timeout");
	}

	@Test
	void aPlainHttpWorkspaceUrlOfARemoteHost(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.workspace.host=http://workspace.example.invalid");
		assertThat(report.getDescription()).contains(
				"Invalid value 'http://workspace.example.invalid' for configuration property 'lakebase.workspace.host'",
				"plain http to a host that is not a loopback address", "clear text", "https://", "DATABRICKS_HOST");
	}

	@ParameterizedTest
	@ValueSource(strings = { "lakebase.host=127.0.0.1?sslmode=disable", "lakebase.host=db.example.com:5432",
			"lakebase.host=db.example.com/x?sslfactory=org.postgresql.ssl.NonValidatingFactory",
			"lakebase.host=jdbc:postgresql://db.example.com", "lakebase.read-only.host=replica.example.com&sslmode=disable" })
	void hostsThatAreNotHostNames(String property, CapturedOutput output) {
		String name = property.substring(0, property.indexOf('='));
		String value = property.substring(property.indexOf('=') + 1);
		long requestsBefore = lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name());
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), property);
		assertThat(report.getDescription()).contains(
				"Invalid value '" + value + "' for configuration property '" + name + "'",
				"is not a host name or IP address", "Set only the host name");
		assertThat(lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name())).isEqualTo(requestsBefore);
	}

	@ParameterizedTest
	@ValueSource(strings = { "projects/local/branches/main/endpoints/primary?x=1",
			"projects/local/branches/../endpoints/primary", "projects/local/branches/main/endpoints/pri mary",
			"projects/local/branches/main/endpoints/primary#x", "projects/local/branches/main/endpoints/%2e%2e" })
	void endpointNamesOutsideLakebasesGrammarAreRefusedBeforeAnyRequest(String endpoint, CapturedOutput output) {
		long requestsBefore = lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name());
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.endpoint=" + endpoint);
		assertThat(report.getDescription()).contains("for configuration property 'lakebase.endpoint'",
				"letters, digits, hyphens and underscores");
		assertThat(lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name())).isEqualTo(requestsBefore);
	}

	@ParameterizedTest
	@ValueSource(strings = { "spring.datasource.hikari.data-source-properties.sslfactory=org.postgresql.ssl.NonValidatingFactory",
			"spring.datasource.hikari.data-source-properties.sslmode=disable",
			"spring.datasource.hikari.data-source-properties.sslhostnameverifier=com.example.AnyHost",
			"spring.datasource.hikari.data-source-properties.sslrootcert=/tmp/other.pem",
			"spring.datasource.hikari.data-source-properties.ssl=false" })
	void tlsSetThroughHikariDataSourcePropertiesIsRefused(String property, CapturedOutput output) {
		String name = property.substring(0, property.indexOf('='));
		long passwords = lakebase.get().stats().passwordsReceived();
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), property);
		assertThat(report.getDescription()).startsWith(name + " ('").contains("sets TLS beside lakebase.ssl.*");
		assertThat(report.getAction()).startsWith("Remove " + name).contains("lakebase.ssl.mode", "lakebase.ssl.root-cert");
		// Refused before the startup check logs in.
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void tlsSetThroughTheReadReplicasHikariPropertiesIsRefused(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL),
				"lakebase.read-only.host=" + lakebase.get().host(),
				"lakebase.read-only.hikari.data-source-properties.sslpassword=key-s3cr3t");
		assertThat(report.getDescription())
			.startsWith("lakebase.read-only.hikari.data-source-properties.sslpassword ('******'");
		assertThat(output.getAll()).doesNotContain("key-s3cr3t");
	}

	@ParameterizedTest
	@ValueSource(strings = { "yes", "on", "1", "TRUE ON" })
	void lakebaseEnabledMustBeTrueOrFalse(String value, CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.enabled=" + value);
		assertThat(report.getDescription()).contains(
				"Invalid value '" + value + "' for configuration property 'lakebase.enabled'", "must be true or false");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = { "lakebase.port=0|The port 0 is not a TCP port",
			"lakebase.port=70000|The port 70000 is not a TCP port",
			"lakebase.startup-timeout=0s|The duration PT0S is not positive",
			"lakebase.workspace.http-timeout=-1s|The duration PT-1S is not positive",
			"lakebase.credential.fetch-timeout=0s|The duration PT0S is not positive",
			"lakebase.credential.refresh-before=-5m|The duration PT-5M is not positive",
			"management.health.lakebase.timeout=0s|The duration PT0S is not positive",
			"lakebase.ssl.cert=/etc/ssl/client.pem|A client certificate is set without its private key",
			"lakebase.ssl.key=/etc/ssl/client.key|A private key is set without its client certificate",
			"lakebase.schema=orders;drop table notes|is not a PostgreSQL schema name",
			"lakebase.schema=no_such_schema|no_such_schema does not exist in database 'databricks_postgres'",
			"lakebase.credential.ttl=0s|The duration PT0S is not positive",
			"lakebase.ssl.mode=verify|'verify' is not an SSL mode for lakebase.ssl.mode" })
	void badValuesAreRefusedByName(String property, String reason, CapturedOutput output) {
		String name = property.substring(0, property.indexOf('='));
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), property);
		assertThat(report.getDescription()).contains(name, reason);
		// A report, not a stack trace puzzle.
		assertThat(report.getDescription() + report.getAction()).doesNotContain("Exception", "Update your application's");
	}

	@Test
	void anUnknownSslModeListsTheModes(CapturedOutput output) {
		FailureAnalysis report = startFails(output, properties(SERVICE_PRINCIPAL), "lakebase.ssl.mode=verify");
		assertThat(report.getDescription()).startsWith("'verify' is not an SSL mode for lakebase.ssl.mode (from ")
			.endsWith("The modes are disable, allow, prefer, require, verify-ca, verify-full.");
		assertThat(report.getAction()).startsWith("Remove lakebase.ssl.mode to use verify-full");
	}

	@Test
	void aCredentialLifetimeForAProvisionedInstance(CapturedOutput output) {
		Map<String, String> properties = properties(SERVICE_PRINCIPAL);
		properties.remove("lakebase.endpoint");
		FailureAnalysis report = startFails(output, properties, "lakebase.instance=" + LocalLakebase.DEFAULT_INSTANCE,
				"lakebase.credential.ttl=30m");
		assertThat(report.getDescription()).contains(
				"Invalid value '30m' for configuration property 'lakebase.credential.ttl'",
				"applies to Autoscaling endpoints only", "Remove lakebase.credential.ttl");
	}

	@Test
	void aMisspelledPropertyGetsOneWarningNamingTheClosestOne(CapturedOutput output) {
		int start = output.getAll().length();
		Map<String, Object> all = new LinkedHashMap<>(properties(SERVICE_PRINCIPAL));
		all.put("lakebase.ssl.mod", "require");
		all.put("lakebase.read-only.hikari.maximum-pool-size", "3");
		// Read by the lakebase-test module, not by the starter.
		all.put("lakebase.test.parent", "projects/my-app/branches/production");
		all.put("spring.main.banner-mode", "off");
		new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.properties(all)
			.run()
			.close();
		String printed = output.getAll().substring(start);
		assertThat(printed.lines().filter((line) -> line.contains(" WARN ") && line.contains("is not a Lakebase property")))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("'lakebase.ssl.mod'", "did you mean 'lakebase.ssl.mode'"));
	}

	private Map<String, String> properties(Identity identity) {
		return new LinkedHashMap<>(lakebase.get().springProperties(identity));
	}

	private FailureAnalysis startFails(CapturedOutput output, Map<String, String> properties, String... overrides) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		for (String override : overrides) {
			int equals = override.indexOf('=');
			all.put(override.substring(0, equals), override.substring(equals + 1));
		}
		all.put("spring.main.banner-mode", "off");
		int start = output.getAll().length();
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.properties(all)
			.run()
			.close());
		String printed = output.getAll().substring(start);
		assertThat(printed).contains("APPLICATION FAILED TO START");
		// The report alone on screen: no stack trace, and no ERROR but the report's own.
		assertThat(printed.lines()
			.filter((line) -> line.startsWith("\tat ") || line.contains(" ERROR "))
			.filter((line) -> !line.contains("LoggingFailureAnalysisReporter")))
			.isEmpty();
		assertThat(printed).doesNotContain(SERVICE_PRINCIPAL.secret(), WITHOUT_WORKSPACE_ACCESS.secret(),
				WITHOUT_ROLE.secret(), USER.secret());
		String description = between(printed, "Description:", "Action:");
		String action = between(printed.substring(printed.indexOf("Action:")), "Action:", null);
		return new FailureAnalysis(description, action, null);
	}

	private static String between(String text, String from, @Nullable String to) {
		int begin = text.indexOf(from) + from.length();
		int end = (to != null) ? text.indexOf(to, begin) : endOfReport(text, begin);
		return text.substring(begin, end).strip();
	}

	// The report ends where the next log line (see logback-test.xml) begins.
	private static int endOfReport(String text, int from) {
		Matcher nextLogLine = NEXT_LOG_LINE.matcher(text);
		return nextLogLine.find(from) ? nextLogLine.start() : text.length();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.FLYWAY_BOOT4,
			MigrationAutoConfigurations.LIQUIBASE_BOOT4, MigrationAutoConfigurations.FLYWAY_BOOT3,
			MigrationAutoConfigurations.LIQUIBASE_BOOT3, MigrationAutoConfigurations.HIBERNATE_BOOT4,
			MigrationAutoConfigurations.DATA_JDBC_BOOT4, MigrationAutoConfigurations.HIBERNATE_BOOT3,
			MigrationAutoConfigurations.DATA_JDBC_BOOT3, MigrationAutoConfigurations.DATA_JPA_BOOT4,
			MigrationAutoConfigurations.DATA_JPA_BOOT3 })
	static class TestApplication {

	}

}
