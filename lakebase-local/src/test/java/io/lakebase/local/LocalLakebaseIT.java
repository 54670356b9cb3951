package io.lakebase.local;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.error.platform.BadRequest;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.service.database.DatabaseInstance;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointStatusState;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests of {@link LocalLakebase} through the real Databricks SDK and real PgJDBC.
 */
class LocalLakebaseIT {

	private static final String ENDPOINT = LocalLakebase.DEFAULT_ENDPOINT;

	private static final String INSTANCE = LocalLakebase.DEFAULT_INSTANCE;

	private static final String READ_ONLY_ENDPOINT = LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT;

	private static final String STOPPED_INSTANCE = "stopped-instance";

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("0d6f5a3e-6c1b-4b8e-9f1a-2b3c4d5e6f70",
			"sp-secret-value-123");

	private static final Identity USER = Identity.user("jane@example.com", "dapi-pat-value-456");

	private static final Identity NO_ACCESS = Identity
		.servicePrincipal("11111111-2222-3333-4444-555555555555", "no-access-secret")
		.withoutWorkspaceAccess();

	private static final Identity NO_ROLE = Identity
		.servicePrincipal("66666666-7777-8888-9999-000000000000", "no-role-secret")
		.withoutPostgresRole();

	private static final Identity FEDERATED = Identity
		.servicePrincipal("abcdefab-cdef-abcd-efab-cdefabcdefab", "federated-secret")
		.withFederatedIdToken("external-oidc-id-token");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.identity(SERVICE_PRINCIPAL)
		.identity(USER)
		.identity(NO_ACCESS)
		.identity(NO_ROLE)
		.identity(FEDERATED)
		.endpoint(ENDPOINT)
		.endpoint(io.lakebase.local.Endpoint.of(READ_ONLY_ENDPOINT).asReadOnly())
		.instance(INSTANCE)
		.instance(Instance.of(STOPPED_INSTANCE).asStopped())
		.tokenFederation("https://idp.example.com", "lakebase-app")
		.resumeDelay(Duration.ofMillis(700)));

	@AfterEach
	void resetFaults() {
		lakebase.get().faults().reset();
	}

	@Test
	void servicePrincipalGetsEndpointCredentialAndLogsInOverTls() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		DatabaseCredential credential = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT));
		assertThat(credential.getToken()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
		assertThat(credential.getExpireTime().getSeconds())
			.isBetween(Instant.now().plusSeconds(3500).getEpochSecond(), Instant.now().plusSeconds(3601).getEpochSecond());
		try (Connection connection = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), credential.getToken(),
				"require")) {
			assertThat(Clients.whoAmI(connection)).containsExactly(SERVICE_PRINCIPAL.name(), "databricks_postgres");
			assertThat(connection.unwrap(org.postgresql.PGConnection.class)).isNotNull();
		}
	}

	@Test
	void requestedTtlIsHonoured() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		DatabaseCredential credential = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT)
				.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(900).build()));
		long expiresIn = credential.getExpireTime().getSeconds() - Instant.now().getEpochSecond();
		assertThat(expiresIn).isBetween(890L, 900L);
	}

	@Test
	void ttlOutsideTheAllowedRangeIsABadRequest() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		assertThatExceptionOfType(BadRequest.class)
			.isThrownBy(() -> workspace.postgres()
				.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT)
					.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(60).build())))
			.withMessageContaining("between 300 and 3600 seconds");
	}

	@Test
	void userWithPersonalAccessTokenGetsInstanceCredentialAndLogsIn() throws Exception {
		WorkspaceClient workspace = Clients.personalAccessToken(lakebase.get(), USER.secret());
		com.databricks.sdk.service.database.DatabaseCredential credential = workspace.database()
			.generateDatabaseCredential(new com.databricks.sdk.service.database.GenerateDatabaseCredentialRequest()
				.setInstanceNames(java.util.List.of(INSTANCE))
				.setRequestId("request-1"));
		assertThat(Instant.parse(credential.getExpirationTime())).isAfter(Instant.now().plusSeconds(3500));
		assertThat(workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo(USER.name());
		try (Connection connection = Clients.connect(lakebase.get(), USER.name(), credential.getToken(), "require")) {
			assertThat(Clients.whoAmI(connection)).containsExactly(USER.name(), "databricks_postgres");
		}
	}

	@Test
	void endpointAndInstanceLookupsReportTheFrontHost() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		Endpoint endpoint = workspace.postgres().getEndpoint(ENDPOINT);
		assertThat(endpoint.getStatus().getHosts().getHost()).isEqualTo("127.0.0.1");
		assertThat(endpoint.getStatus().getHosts().getReadWritePooledHost()).isNotEqualTo("127.0.0.1");
		assertThat(endpoint.getStatus().getCurrentState()).isEqualTo(EndpointStatusState.ACTIVE);
		assertThat(endpoint.getStatus().getEndpointType().name()).isEqualTo("ENDPOINT_TYPE_READ_WRITE");
		DatabaseInstance instance = workspace.database().getDatabaseInstance(INSTANCE);
		assertThat(instance.getReadWriteDns()).isEqualTo("127.0.0.1");
		assertThat(instance.getState().name()).isEqualTo("AVAILABLE");
		assertThat(workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo(SERVICE_PRINCIPAL.name());
	}

	@Test
	void readOnlyEndpointAndStoppedInstanceReportTheirState() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		Endpoint replica = workspace.postgres().getEndpoint(READ_ONLY_ENDPOINT);
		assertThat(replica.getStatus().getEndpointType().name()).isEqualTo("ENDPOINT_TYPE_READ_ONLY");
		assertThat(replica.getStatus().getHosts().getReadOnlyPooledHost()).isNotEqualTo("127.0.0.1");
		assertThat(replica.getStatus().getHosts().getReadWritePooledHost()).isNull();
		DatabaseInstance stopped = workspace.database().getDatabaseInstance(STOPPED_INSTANCE);
		assertThat(stopped.getState().name()).isEqualTo("STOPPED");
		assertThat(stopped.getEffectiveStopped()).isTrue();
	}

	@Test
	void verifyFullSucceedsAgainstTheWrittenCa() throws Exception {
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		for (String host : new String[] { "127.0.0.1", "localhost" }) {
			try (Connection connection = Clients.connect(lakebase.get(), host, SERVICE_PRINCIPAL.name(), token,
					"verify-full")) {
				assertThat(Clients.whoAmI(connection)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
			}
		}
		assertThat(Files.readString(lakebase.get().caCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
	}

	@Test
	void verifyFullFailsAgainstAnotherCa(@TempDir Path directory) throws Exception {
		Path otherCa = TlsMaterial.generate(directory).caCertificateFile();
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		java.util.Properties properties = new java.util.Properties();
		properties.setProperty("user", SERVICE_PRINCIPAL.name());
		properties.setProperty("password", token);
		properties.setProperty("sslmode", "verify-full");
		properties.setProperty("sslrootcert", otherCa.toString());
		assertThatExceptionOfType(SQLException.class).isThrownBy(
				() -> java.sql.DriverManager.getConnection(lakebase.get().jdbcUrl().replaceFirst("\\?.*", ""),
						properties));
	}

	@Test
	void twoTokensOfOneIdentityBothLogIn() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		GenerateDatabaseCredentialRequest request = new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT);
		String first = workspace.postgres().generateDatabaseCredential(request).getToken();
		String second = workspace.postgres().generateDatabaseCredential(request).getToken();
		assertThat(first).isNotEqualTo(second);
		try (Connection one = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), first, "require");
				Connection two = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), second, "require")) {
			assertThat(Clients.whoAmI(one)[0]).isEqualTo(Clients.whoAmI(two)[0]);
		}
	}

	@Test
	void expiredTokenIsRefusedWhileAnOpenConnectionKeepsWorking() throws Exception {
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofSeconds(2)).token();
		try (Connection open = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require")) {
			Thread.sleep(2_500);
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"))
				.withMessageContaining("password authentication failed for user \"" + SERVICE_PRINCIPAL.name() + "\"");
			assertThat(Clients.whoAmI(open)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
		}
	}

	@Test
	void wrongTokenIsRefused() {
		String othersToken = lakebase.get().issueToken(USER, Duration.ofMinutes(5)).token();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), othersToken, "require"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"))
			.withMessageContaining("password authentication failed for user \"" + SERVICE_PRINCIPAL.name() + "\"");
		String ownToken = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		String tampered = ownToken.substring(0, ownToken.length() - 4) + "AAAA";
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), tampered, "require"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
	}

	@Test
	void passwordThatIsNotAJwtIsRefused() {
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), USER.name(), USER.secret(), "require"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"))
			.withMessageContaining("Provided authentication token is not a valid JWT encoding");
	}

	@Test
	void revokedTokenIsRefused() throws Exception {
		Identity identity = lakebase.get().identity(USER.name());
		String token = lakebase.get().issueToken(identity, Duration.ofMinutes(5)).token();
		try (Connection open = Clients.connect(lakebase.get(), USER.name(), token, "require")) {
			assertThat(lakebase.get().revokeTokens(USER.name())).isPositive();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Clients.connect(lakebase.get(), USER.name(), token, "require"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
			assertThat(Clients.whoAmI(open)[0]).isEqualTo(USER.name());
		}
	}

	@Test
	void identityWithoutPostgresRoleCannotLogIn() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), NO_ROLE);
		String token = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT))
			.getToken();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), NO_ROLE.name(), token, "require"))
			.withMessageContaining("role \"" + NO_ROLE.name() + "\" does not exist");
	}

	@Test
	void identityWithoutWorkspaceAccessIsDenied() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), NO_ACCESS);
		assertThatExceptionOfType(PermissionDenied.class)
			.isThrownBy(() -> workspace.postgres()
				.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT)))
			.withMessage("API is disabled for users without workspace-access entitlement");
	}

	@Test
	void unknownEndpointAndInstanceAreNotFound() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		String unknown = "projects/local/branches/main/endpoints/nope";
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(unknown)));
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> workspace.postgres().getEndpoint(unknown))
			.withMessageContaining(unknown);
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> workspace.database().getDatabaseInstance("missing-instance"));
	}

	@Test
	void badClientSecretFails() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL.name(), "wrong-secret");
		assertThatExceptionOfType(DatabricksException.class)
			.isThrownBy(() -> workspace.postgres()
				.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT)))
			.withMessageContaining("invalid_client");
	}

	@Test
	void badPersonalAccessTokenFails() {
		WorkspaceClient workspace = Clients.personalAccessToken(lakebase.get(), "dapi-wrong");
		assertThatThrownBy(() -> workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()))
			.isInstanceOf(com.databricks.sdk.core.error.platform.Unauthenticated.class);
	}

	@Test
	void aUsersOAuthTokenIsAJwtTheApiAcceptsUntilItIsRevoked() {
		String token = lakebase.get().issueAccessToken(USER, Duration.ofMinutes(5));
		String[] parts = token.split("\\.");
		assertThat(parts).hasSize(3);
		String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		assertThat(claims).contains("\"sub\":\"" + USER.name() + "\"", "\"exp\":");
		WorkspaceClient asUser = Clients.personalAccessToken(lakebase.get(), token);
		assertThat(asUser.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName())
			.isEqualTo(USER.name());
		assertThat(lakebase.get().revokeAccessTokens(USER.name())).isPositive();
		assertThatThrownBy(() -> asUser.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()))
			.isInstanceOf(com.databricks.sdk.core.error.platform.Unauthenticated.class);
	}

	@Test
	void aUsersCredentialLogsInAsTheUserOnly() throws Exception {
		WorkspaceClient asUser = Clients.personalAccessToken(lakebase.get(),
				lakebase.get().issueAccessToken(USER, Duration.ofMinutes(5)));
		String credential = asUser.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT))
			.getToken();
		try (Connection connection = Clients.connect(lakebase.get(), USER.name(), credential, "require")) {
			assertThat(Clients.whoAmI(connection)[0]).isEqualTo(USER.name());
		}
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), credential, "require"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
	}

	@Test
	void anExternalTokenIsExchangedUnderTheFederationPolicyForItsSubject() throws Exception {
		HttpResponse<String> exchanged = exchange(external("https://idp.example.com", "lakebase-app", USER.name(), 3600));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String accessToken = exchanged.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
		assertThat(Clients.personalAccessToken(lakebase.get(), accessToken)
			.currentUser()
			.me(new com.databricks.sdk.service.iam.MeRequest())
			.getUserName()).isEqualTo(USER.name());
		for (String refused : new String[] { external("https://other.example.com", "lakebase-app", USER.name(), 3600),
				external("https://idp.example.com", "another-app", USER.name(), 3600),
				external("https://idp.example.com", "lakebase-app", USER.name(), -60),
				external("https://idp.example.com", "lakebase-app", "nobody@example.com", 3600) }) {
			HttpResponse<String> response = exchange(refused);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.body()).contains("invalid_grant");
		}
	}

	private static HttpResponse<String> exchange(String subjectToken) throws Exception {
		String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange",
				StandardCharsets.UTF_8) + "&subject_token=" + URLEncoder.encode(subjectToken, StandardCharsets.UTF_8)
				+ "&subject_token_type=" + URLEncoder.encode("urn:ietf:params:oauth:token-type:jwt", StandardCharsets.UTF_8)
				+ "&scope=all-apis";
		HttpRequest request = HttpRequest.newBuilder(URI.create(lakebase.get().workspaceUrl() + "/oidc/v1/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

	// An identity provider's JWT (unsigned: the emulator's policy checks claims only).
	private static String external(String issuer, String audience, String subject, long expiresInSeconds) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"" + subject
				+ "\",\"exp\":" + (Instant.now().getEpochSecond() + expiresInSeconds) + "}";
		return encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
	}

	@Test
	void federatedIdTokenIsExchangedForTheServicePrincipal(@TempDir Path directory) throws Exception {
		Path idTokenFile = Files.writeString(directory.resolve("id-token"), "external-oidc-id-token");
		WorkspaceClient workspace = new WorkspaceClient(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
			.setClientId(FEDERATED.name())
			.setOidcTokenFilepath(idTokenFile.toString())
			.setAuthType("file-oidc"));
		assertThat(workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo(FEDERATED.name());
	}

	@Test
	void injected503WithRetryAfterIsRetriedBySdkAndCounted() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		long before = lakebase.get().stats().credentialRequests();
		lakebase.get().faults().failNextCredentialRequests(2, 503, Duration.ofSeconds(1));
		long started = System.nanoTime();
		DatabaseCredential credential = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT));
		assertThat(credential.getToken()).isNotEmpty();
		assertThat(lakebase.get().stats().credentialRequests() - before).isEqualTo(3);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void apiOutageAnswers503() {
		WorkspaceClient workspace = new WorkspaceClient(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
			.setToken(USER.secret())
			.setAuthType("pat")
			.setDisableRetries(true));
		lakebase.get().faults().apiOutage(true);
		assertThatExceptionOfType(com.databricks.sdk.core.error.platform.TemporarilyUnavailable.class)
			.isThrownBy(() -> workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()));
		lakebase.get().faults().apiOutage(false);
		assertThat(workspace.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo(USER.name());
	}

	@Test
	void suspendClosesConnectionsAndNextLoginWaitsForResume() throws Exception {
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		try (Connection idle = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require")) {
			lakebase.get().faults().suspendCompute();
			assertThat(lakebase.get().isSuspended()).isTrue();
			assertThat(Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL).postgres().getEndpoint(ENDPOINT)
				.getStatus().getCurrentState()).isEqualTo(EndpointStatusState.IDLE);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Clients.whoAmI(idle));
		}
		long started = System.nanoTime();
		try (Connection resumed = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require")) {
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
			assertThat(Clients.whoAmI(resumed)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
		}
		assertThat(lakebase.get().isSuspended()).isFalse();
	}

	@Test
	void rejectedLoginsAreRefusedUntilLifted() throws Exception {
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		lakebase.get().faults().rejectLogins(true);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		lakebase.get().faults().rejectLogins(false);
		try (Connection connection = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require")) {
			assertThat(Clients.whoAmI(connection)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
		}
	}

	@Test
	void runningQueryCanBeCancelled() throws Exception {
		String token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5)).token();
		try (Connection connection = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require");
				Statement statement = connection.createStatement()) {
			CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
				try {
					statement.execute("SELECT pg_sleep(30)");
					return null;
				}
				catch (SQLException ex) {
					return ex;
				}
			});
			Thread.sleep(500);
			statement.cancel();
			Throwable failure = outcome.get(10, TimeUnit.SECONDS);
			assertThat(failure).isInstanceOf(SQLException.class);
			assertThat(((SQLException) failure).getSQLState()).isEqualTo("57014");
			assertThat(Clients.whoAmI(connection)[0]).isEqualTo(SERVICE_PRINCIPAL.name());
		}
	}

	@Test
	void requestLogNamesIdentitiesButNoSecretOrToken() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), SERVICE_PRINCIPAL);
		String token = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(ENDPOINT))
			.getToken();
		try (Connection connection = Clients.connect(lakebase.get(), SERVICE_PRINCIPAL.name(), token, "require")) {
			Clients.whoAmI(connection);
		}
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Clients.connect(lakebase.get(), USER.name(), USER.secret(), "require"));
		String log = String.join("\n", lakebase.get().stats().requestLog());
		assertThat(log).contains("POST /api/2.0/postgres/credentials -> 200 as " + SERVICE_PRINCIPAL.name())
			.contains("LOGIN " + SERVICE_PRINCIPAL.name() + " -> accepted")
			.doesNotContain(token)
			.doesNotContain(SERVICE_PRINCIPAL.secret())
			.doesNotContain(USER.secret());
		assertThat(lakebase.get().stats().tokensIssued()).isPositive();
		assertThat(lakebase.get().stats().loginsAccepted()).isPositive();
		assertThat(lakebase.get().stats().loginsRejected()).isPositive();
		assertThat(lakebase.get().stats().requestsBy(SERVICE_PRINCIPAL.name())).isPositive();
	}

	@Test
	void secretsStayOutOfToString() {
		assertThat(SERVICE_PRINCIPAL.toString()).doesNotContain(SERVICE_PRINCIPAL.secret());
		DatabaseToken token = lakebase.get().issueToken(SERVICE_PRINCIPAL, Duration.ofMinutes(5));
		assertThat(token.toString()).doesNotContain(token.token()).contains("expiresAt");
	}

	@Test
	void registerPropertiesAddsTheSpringProperties() {
		java.util.Map<String, Object> registered = new java.util.LinkedHashMap<>();
		lakebase.get().registerProperties((name, value) -> registered.put(name, value.get()));
		assertThat(registered).containsAllEntriesOf(lakebase.get().springProperties());
	}

	@Test
	void springPropertiesReachTheDefaultEndpoint() {
		assertThat(lakebase.get().springProperties()).containsEntry("lakebase.endpoint", ENDPOINT)
			.containsEntry("lakebase.port", Integer.toString(lakebase.get().port()))
			.containsEntry("lakebase.workspace.host", lakebase.get().workspaceUrl())
			.containsEntry("lakebase.workspace.client-id", SERVICE_PRINCIPAL.name())
			.containsEntry("lakebase.workspace.client-secret", SERVICE_PRINCIPAL.secret());
		assertThat(lakebase.get().springProperties(USER)).containsEntry("lakebase.workspace.token", USER.secret())
			.doesNotContainKey("lakebase.workspace.client-secret");
	}

}
