package io.lakebase.spring.autoconfigure;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.error.platform.InternalError;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.core.error.platform.TemporarilyUnavailable;
import com.databricks.sdk.core.error.platform.TooManyRequests;
import com.databricks.sdk.core.error.platform.Unauthenticated;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionException;
import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredentialException;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.LakebaseWorkspaceException;
import io.lakebase.jdbc.SslMode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of the three Lakebase failure analyzers, through {@code analyze()}, with the typed
 * Databricks SDK errors and SQL states they match. The real starts that produce these failures are
 * in {@link AbstractLakebaseFailureAnalysisIT}.
 */
class LakebaseFailureAnalyzersTests {

	private static final LakebaseTarget ENDPOINT = LakebaseTarget.endpoint("projects/shop/branches/main/endpoints/primary");

	private static final LakebaseTarget INSTANCE = LakebaseTarget.instance("orders");

	private static final String WORKSPACE = "https://dbc-1234.cloud.databricks.com";

	private static final String CLIENT_ID = "5b4f8e0c-1d2a-4c3b-9e8f-7a6b5c4d3e2f";

	private final LakebaseWorkspaceFailureAnalyzer workspace = new LakebaseWorkspaceFailureAnalyzer();

	private final LakebaseConnectionFailureAnalyzer connection = new LakebaseConnectionFailureAnalyzer();

	@Test
	void moreThanOneAuthenticationMethod() {
		FailureAnalysis report = workspace("Could not look up the endpoint: validate: more than one authorization "
				+ "method configured: oauth and pat. Config: host=" + WORKSPACE + ", token=***", "oauth-m2m", null);
		assertThat(report.getDescription()).doesNotContain("Config:");
		assertThat(report.getAction()).startsWith("Keep only one way to authenticate").contains("auth-type");
	}

	@Test
	void noWorkspaceHostAnywhere() {
		FailureAnalysis report = this.workspace.analyze(new LakebaseWorkspaceException("No Databricks workspace URL "
				+ "is configured", ENDPOINT, null, "oauth-m2m", new NullPointerException("Host cannot be null")));
		assertThat(report.getDescription()).isEqualTo("No Databricks workspace URL is configured: the starter needs "
				+ "it to look up " + ENDPOINT.name() + " and to obtain database credentials.");
		assertThat(report.getAction()).startsWith("Set the workspace URL")
			.contains("lakebase.workspace.host", "DATABRICKS_HOST", "DATABRICKS_CONFIG_PROFILE");
	}

	@Test
	void noCredentialsAtAll() {
		FailureAnalysis report = workspace(
				"Could not look up the endpoint: default auth: cannot configure default credentials", null, null);
		assertThat(report.getDescription()).startsWith("No Databricks credentials are configured for workspace " + WORKSPACE);
		assertThat(report.getAction()).contains("DATABRICKS_CLIENT_ID", "DATABRICKS_TOKEN", "env-oidc", "ARM_CLIENT_ID",
				"databricks-cli");
	}

	@Test
	void workspaceHostThatDoesNotResolve() {
		FailureAnalysis report = workspace("Could not look up the endpoint", "oauth-m2m",
				new DatabricksException("IO error", new UnknownHostException("dbc-1234.cloud.databricks.com")));
		assertThat(report.getAction()).startsWith("Check lakebase.workspace.host (or DATABRICKS_HOST): the name does not resolve");
	}

	@Test
	void workspaceThatCannotBeReached() {
		assertThat(workspace("x", "oauth-m2m", new DatabricksException("IO error", new ConnectException("refused")))
			.getAction()).contains("can reach it over HTTPS");
		assertThat(workspace("x", "oauth-m2m", new DatabricksException("IO error", new SocketTimeoutException("read")))
			.getAction()).contains("can reach it over HTTPS");
	}

	@Test
	void throttledUnavailableOrSilentForTheWholeStartup() {
		for (Throwable failure : new Throwable[] { new TooManyRequests("slow down", null),
				new DatabricksException("failed after 4 retries", new TemporarilyUnavailable("down", null)),
				new LakebaseCredentialException("did not answer", new TimeoutException()) }) {
			assertThat(workspace("Could not obtain a database credential", "oauth-m2m", failure).getAction())
				.contains("lakebase.startup-timeout", "lakebase.fail-fast=false");
		}
	}

	@Test
	void rejectedServicePrincipalSecret() {
		assertThat(workspace("x", "oauth-m2m", new Unauthenticated("invalid_client", null)).getAction())
			.startsWith("Check lakebase.workspace.client-id and lakebase.workspace.client-secret");
	}

	@Test
	void rejectedPersonalAccessToken() {
		assertThat(workspace("x", "pat", new Unauthenticated("Invalid access token", null)).getAction())
			.startsWith("Check lakebase.workspace.token (or DATABRICKS_TOKEN)");
	}

	@Test
	void rejectedCredentialsOfAnotherKind() {
		assertThat(workspace("x", "azure-cli", new Unauthenticated("expired", null)).getAction())
			.startsWith("Check the credentials the Databricks SDK uses (auth type azure-cli)");
	}

	@Test
	void missingWorkspaceAccessEntitlement() {
		assertThat(workspace("x", "oauth-m2m",
				new PermissionDenied("API is disabled for users without workspace-access entitlement", null))
			.getAction()).startsWith("Give the service principal the 'Workspace access' entitlement");
	}

	@Test
	void missingPermissionOnTheProject() {
		assertThat(workspace("x", "oauth-m2m", new PermissionDenied("User does not have CAN_USE", null)).getAction())
			.startsWith("Give the identity permission on the Lakebase endpoint '" + ENDPOINT.name() + "'");
	}

	@Test
	void endpointOrInstanceThatDoesNotExist() {
		assertThat(workspace("x", "oauth-m2m", new ResourceDoesNotExist("Endpoint does not exist.", null)).getAction())
			.startsWith("Check lakebase.endpoint: '" + ENDPOINT.name() + "' does not exist in workspace " + WORKSPACE)
			.contains("databricks postgres list-endpoints");
		FailureAnalysis instance = this.workspace.analyze(new LakebaseWorkspaceException("x", INSTANCE, WORKSPACE,
				"oauth-m2m", new ResourceDoesNotExist("Database instance does not exist.", null)));
		assertThat(instance.getAction()).startsWith("Check lakebase.instance: 'orders' does not exist")
			.contains("databricks database list-database-instances");
	}

	@Test
	void targetThatReportsNoHostYet() {
		assertThat(workspace("The endpoint reports no host (state INIT); it may still be starting", "oauth-m2m", null)
			.getAction()).startsWith("Wait until the endpoint '" + ENDPOINT.name() + "' is running");
	}

	@Test
	void anyOtherWorkspaceFailure() {
		assertThat(workspace("x", "oauth-m2m", new InternalError("boom", null)).getAction())
			.startsWith("Check lakebase.endpoint and the lakebase.workspace.* settings");
	}

	@Test
	void databaseHostThatDoesNotResolve() {
		FailureAnalysis report = connection(new SQLException("The connection attempt failed.", "08001",
				new UnknownHostException("nowhere.invalid")), "nowhere.invalid");
		assertThat(report.getDescription()).isEqualTo("The Lakebase host 'nowhere.invalid' of " + ENDPOINT.name()
				+ " is unknown: the name does not resolve.");
		assertThat(report.getAction()).startsWith("Check lakebase.host and lakebase.port (now nowhere.invalid:5432)");
	}

	@Test
	void databaseThatCannotBeReached() {
		FailureAnalysis report = connection(new SQLException("Connection to 10.0.0.1:5432 refused.", "08001",
				new ConnectException("Connection refused")), "10.0.0.1");
		assertThat(report.getDescription()).startsWith("Could not reach Lakebase " + ENDPOINT.name() + " at 10.0.0.1:5432");
		assertThat(report.getAction()).contains("outbound TCP 5432");
	}

	@Test
	void roleThatDoesNotExist() {
		FailureAnalysis report = connection(new SQLException("FATAL: role \"" + CLIENT_ID + "\" does not exist", "28000"),
				"127.0.0.1");
		assertThat(report.getDescription()).contains("rejected the login of role '" + CLIENT_ID + "'");
		assertThat(report.getAction()).startsWith("Create the Postgres role for the identity")
			.contains("SELECT databricks_create_role('" + CLIENT_ID + "', 'SERVICE_PRINCIPAL');",
					"GRANT CONNECT ON DATABASE databricks_postgres TO \"" + CLIENT_ID + "\";");
	}

	@Test
	void refusedPasswordAlsoNamesTheUsername() {
		FailureAnalysis report = connection(new SQLException("FATAL: password authentication failed", "28P01"),
				"127.0.0.1");
		assertThat(report.getAction()).startsWith("If the role exists, check that lakebase.username is unset")
			.contains("databricks_create_role");
	}

	@Test
	void userRolesAreCreatedAsUsers() {
		LakebaseConnectionInfo user = new LakebaseConnectionInfo(LakebaseConnectionSettings.builder(ENDPOINT).build(),
				"127.0.0.1", "ada@example.com");
		FailureAnalysis report = this.connection.analyze(new LakebaseConnectionException(user,
				new SQLException("FATAL: role \"ada@example.com\" does not exist", "28000")));
		assertThat(report.getAction()).contains("databricks_create_role('ada@example.com', 'USER')");
	}

	@Test
	void databaseThatDoesNotExist() {
		FailureAnalysis report = connection(new SQLException("FATAL: database \"shop\" does not exist", "3D000"),
				"127.0.0.1");
		assertThat(report.getAction()).startsWith("Set lakebase.database to an existing database");
	}

	@Test
	void rootCertificateFileThatIsMissingOrHoldsNoCertificate(@TempDir Path directory) throws Exception {
		Path missing = directory.resolve("missing-ca.pem");
		FailureAnalysis report = tls(new SQLException("Could not open SSL root certificate file " + missing + ".",
				"08006", new FileNotFoundException(missing + " (No such file or directory)")), missing.toString());
		assertThat(report.getDescription()).isEqualTo("The root certificate file lakebase.ssl.root-cert=" + missing
				+ " does not exist, so the certificate of Lakebase " + ENDPOINT.name()
				+ " at db.example.com:5432 cannot be verified (lakebase.ssl.mode=verify-full).");
		assertThat(report.getAction()).startsWith("Set lakebase.ssl.root-cert to a readable PEM file")
			.contains("remove lakebase.ssl.root-cert to verify the server against the JVM trust store");
		Path notACertificate = Files.writeString(directory.resolve("ca.pem"), "not a certificate");
		report = tls(new SQLException("Loading the SSL root certificate " + notACertificate + " into a TrustManager failed.",
				"08006", new CertificateException("No certificate data found")), notACertificate.toString());
		assertThat(report.getDescription()).contains("lakebase.ssl.root-cert=" + notACertificate + " holds no PEM certificate");
	}

	@Test
	void serverCertificateFromAnUntrustedCa() {
		SQLException untrusted = new SQLException("SSL error: PKIX path building failed", "08006",
				new SSLHandshakeException("PKIX path building failed"));
		untrusted.getCause().initCause(new CertificateException("unable to find valid certification path to requested target"));
		FailureAnalysis viaTrustStore = tls(untrusted, null);
		assertThat(viaTrustStore.getDescription()).startsWith("The TLS certificate of Lakebase " + ENDPOINT.name()
				+ " at db.example.com:5432 is not signed by any CA of the JVM trust store (no lakebase.ssl.root-cert is set)")
			.endsWith("verifies it: unable to find valid certification path to requested target.");
		assertThat(viaTrustStore.getAction()).contains("set lakebase.ssl.root-cert", "javax.net.ssl.trustStore",
				"Check lakebase.host");
		assertThat(tls(untrusted, "/etc/ssl/other-ca.pem").getDescription())
			.contains("is not signed by the CA in lakebase.ssl.root-cert=/etc/ssl/other-ca.pem");
	}

	@Test
	void serverCertificateForAnotherHostName() {
		FailureAnalysis report = tls(new SQLException("The hostname db.example.com could not be verified by "
				+ "hostnameverifier PgjdbcHostnameVerifier.", "08006"), null);
		assertThat(report.getDescription()).isEqualTo("The TLS certificate of Lakebase " + ENDPOINT.name()
				+ " at db.example.com:5432 does not name the host 'db.example.com', and lakebase.ssl.mode=verify-full "
				+ "checks that it does.");
		assertThat(report.getAction()).startsWith("Connect by the host name the certificate was issued for");
	}

	@Test
	void anyOtherConnectionFailure() {
		FailureAnalysis report = connection(new SQLException("SSL error: handshake", "XX000"), "127.0.0.1");
		assertThat(report.getAction()).startsWith("Check lakebase.host, lakebase.port, lakebase.database and lakebase.ssl.*");
	}

	@Test
	void settingWithoutAValue() {
		FailureAnalysis report = new InvalidLakebasePropertyFailureAnalyzer().analyze(new LakebaseConfigurationException(
				"endpoint", null, "Neither lakebase.endpoint nor lakebase.instance is set", "Set one of them."));
		assertThat(report.getDescription()).isEqualTo("Neither lakebase.endpoint nor lakebase.instance is set.");
		assertThat(report.getAction()).isEqualTo("Update 'lakebase.endpoint': Set one of them.");
	}

	private FailureAnalysis workspace(String message, String authType, Throwable cause) {
		return this.workspace.analyze(new LakebaseWorkspaceException(message, ENDPOINT, WORKSPACE, authType, cause));
	}

	private FailureAnalysis tls(SQLException failure, @Nullable String rootCert) {
		LakebaseConnectionSettings settings = LakebaseConnectionSettings.builder(ENDPOINT)
			.sslMode(SslMode.VERIFY_FULL)
			.sslRootCert(rootCert)
			.build();
		LakebaseConnectionInfo info = new LakebaseConnectionInfo(settings, "db.example.com", CLIENT_ID);
		return this.connection.analyze(new LakebaseConnectionException(info, failure));
	}

	private FailureAnalysis connection(SQLException failure, String host) {
		LakebaseConnectionInfo info = new LakebaseConnectionInfo(LakebaseConnectionSettings.builder(ENDPOINT).build(),
				host, CLIENT_ID);
		return this.connection.analyze(new LakebaseConnectionException(info, failure));
	}

}
