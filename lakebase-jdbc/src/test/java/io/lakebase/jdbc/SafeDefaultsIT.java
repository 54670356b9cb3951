package io.lakebase.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.security.KeyStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What keeps a database credential from reaching anyone but Lakebase, on the real SDK, PgJDBC and
 * the local Lakebase's TLS front: the default {@code verify-full}, {@code require} with a root
 * certificate verifying the CA, TLS driver properties refused, plain {@code http} workspace URLs
 * refused, the SDK's DEBUG log of response bodies without tokens, a missing schema reported.
 */
class SafeDefaultsIT {

	private static final Identity SERVICE_PRINCIPAL = Identity.servicePrincipal("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
			"safe-defaults-secret");

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().identity(SERVICE_PRINCIPAL).endpoint(LocalLakebase.DEFAULT_ENDPOINT));

	@TempDir
	static Path directory;

	private TestPipeline connector;

	@AfterEach
	void close() {
		if (this.connector != null) {
			this.connector.close();
		}
	}

	@Test
	void theDefaultVerifiesTheServerAndSendsNoPasswordToOneItCannotVerify() {
		// No root certificate: the JVM trust store, which does not hold the local Lakebase's CA.
		this.connector = connector(settings());
		long passwords = lakebase.get().stats().passwordsReceived();
		assertThatExceptionOfType(LakebaseConnectionException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(5)))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("unable to find valid certification path"));
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void requireWithAnotherCasRootCertificateVerifiesTheCaAndSendsNoPassword() throws Exception {
		Path otherCa = otherCa();
		this.connector = connector(settings().sslMode(SslMode.REQUIRE).sslRootCert(otherCa.toString()));
		assertThat(this.connector.jdbcUrl()).contains("sslmode=verify-ca");
		long passwords = lakebase.get().stats().passwordsReceived();
		assertThatExceptionOfType(LakebaseConnectionException.class)
			.isThrownBy(() -> this.connector.verify(Duration.ofSeconds(5)));
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void requireWithTheRightRootCertificateLogsIn() {
		this.connector = connector(settings().sslMode(SslMode.REQUIRE).sslRootCert(caCertificate()));
		assertThat(this.connector.verify(Duration.ofSeconds(10)).host()).isEqualTo(lakebase.get().host());
	}

	@Test
	void driverPropertiesThatSetTlsAreRefusedWithoutSendingAPassword() {
		this.connector = connector(settings().sslRootCert(caCertificate()));
		Properties driverProperties = new Properties();
		driverProperties.setProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
		long passwords = lakebase.get().stats().passwordsReceived();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
			try (Connection connection = this.connector.dataSource().withDriverProperties(driverProperties).getConnection()) {
				// Not reached.
			}
		})
			.withMessageContaining("set TLS themselves (sslfactory)")
			.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOf(LakebaseConfigurationException.class));
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void thePlainJavaDataSourceRefusesTlsDriverPropertiesWhenBuilt() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseDataSource.builder()
				.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
				.workspace(new DatabricksConfig().setHost(lakebase.get().workspaceUrl()))
				.pool((pool) -> pool.addDataSourceProperty("sslmode", "disable"))
				.build())
			.withMessageContaining("set TLS themselves (sslmode)");
	}

	@Test
	void aPlainHttpWorkspaceUrlOfARemoteHostIsRefusedBeforeAnyRequest() {
		LakebaseTarget target = LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT);
		for (String url : List.of("http://workspace.example.invalid", "HTTP://10.0.0.8:8080", "http://127.attacker.example")) {
			DatabricksConfig config = new DatabricksConfig().setHost(url).setToken("dapi-never-sent");
			assertThatExceptionOfType(LakebaseConfigurationException.class).as(url)
				.isThrownBy(() -> LakebaseWorkspaceClients.create(config, target))
				.satisfies((ex) -> {
					assertThat(ex.getSetting()).isEqualTo("workspace.host");
					assertThat(ex.getMessage()).contains("clear text").doesNotContain("dapi-never-sent");
					assertThat(ex.getAction()).contains("https", "DATABRICKS_HOST");
				});
		}
		// A loopback address, as a local emulator listens on, is allowed.
		assertThat(LakebaseWorkspaceClients
			.create(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(SERVICE_PRINCIPAL.name())
				.setClientSecret(SERVICE_PRINCIPAL.secret()), target)
			.config()
			.getHost()).isEqualTo(lakebase.get().workspaceUrl());
	}

	@Test
	void aWorkspaceClientOfTheApplicationsOwnWithPlainHttpIsRefusedAtResolution() {
		AtomicInteger requests = new AtomicInteger();
		DatabricksConfig config = new DatabricksConfig().setHost("http://workspace.example.invalid")
			.setToken("dapi-never-sent")
			.setHttpClient((request) -> {
				requests.incrementAndGet();
				throw new IOException("no network in this test");
			});
		WorkspaceClient plainHttp = new WorkspaceClient(config);
		int whileBuilding = requests.get();
		this.connector = new TestPipeline(settings().host("db.example.com").build(), () -> plainHttp);
		assertThatExceptionOfType(LakebaseConfigurationException.class).isThrownBy(() -> this.connector.resolve())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("workspace.host"));
		assertThat(requests).hasValue(whileBuilding);
	}

	@Test
	void theSdksDebugLogOfTheCredentialCallNeverHoldsAToken() {
		Logger apiClient = (Logger) LoggerFactory.getLogger("com.databricks.sdk.core.ApiClient");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		Level level = apiClient.getLevel();
		apiClient.setLevel(Level.DEBUG);
		apiClient.addAppender(appender);
		try {
			// As DATABRICKS_DEBUG_TRUNCATE_BYTES=100000 or debug_truncate_bytes in ~/.databrickscfg would.
			DatabricksConfig config = new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(SERVICE_PRINCIPAL.name())
				.setClientSecret(SERVICE_PRINCIPAL.secret())
				.setDebugTruncateBytes(100_000);
			WorkspaceClient client = LakebaseWorkspaceClients.create(config,
					LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT));
			LakebaseCredential credential = LakebaseCredentialSource
				.forTarget(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT), () -> client, Duration.ofHours(1))
				.fetch();
			String logged = appender.list.stream()
				.map(ILoggingEvent::getFormattedMessage)
				.collect(Collectors.joining("\n"));
			assertThat(logged).contains("> POST /api/2.0/postgres/credentials", "\"token\" : \"**REDACTED**\"",
					"expire_time");
			assertThat(logged).doesNotContain(credential.token().substring(0, 20), "eyJ");
		}
		finally {
			apiClient.detachAppender(appender);
			apiClient.setLevel(level);
		}
		assertThat(SecretRedactingHttpClient.redact("{\"access_token\" : \"abc\\\"def\", \"expires_in\": 3600}"))
			.isEqualTo("{\"access_token\" : \"**REDACTED**\", \"expires_in\": 3600}");
	}

	@Test
	void aMissingSchemaIsReported() throws Exception {
		LakebaseConnectionSettings settings = settings().sslRootCert(caCertificate()).schema("no_such_schema").build();
		this.connector = connector(settings);
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseSchemas.requireExisting(this.connector.dataSource(), settings))
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("schema");
				assertThat(ex.getMessage()).contains("no_such_schema does not exist in database 'databricks_postgres'");
				assertThat(ex.getAction()).contains("CREATE SCHEMA no_such_schema");
			});
		LakebaseSchemas.requireExisting(this.connector.dataSource(),
				settings().sslRootCert(caCertificate()).schema("public, pg_catalog").build());
	}

	@Test
	void requireWithoutARootCertificateWarnsOnceForARemoteHost() {
		Logger logger = (Logger) LoggerFactory.getLogger(TlsWarnings.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			LakebaseConnectionSettings settings = settings().sslMode(SslMode.REQUIRE)
				.host("unverified-once.example.com")
				.build();
			for (int i = 0; i < 3; i++) {
				try (TestPipeline unverified = connector(settings)) {
					unverified.resolve();
				}
			}
			try (TestPipeline loopback = connector(settings().sslMode(SslMode.REQUIRE).host("127.0.0.1").build())) {
				loopback.resolve();
			}
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getFormattedMessage()).contains("unverified-once.example.com", "man in the middle",
						"lakebase.ssl.root-cert", "verify-full");
			});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	private TestPipeline connector(LakebaseConnectionSettings.Builder settings) {
		return connector(settings.build());
	}

	private static TestPipeline connector(LakebaseConnectionSettings settings) {
		WorkspaceClient client = new WorkspaceClient(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
			.setClientId(SERVICE_PRINCIPAL.name())
			.setClientSecret(SERVICE_PRINCIPAL.secret()));
		return new TestPipeline(settings, () -> client);
	}

	private static LakebaseConnectionSettings.Builder settings() {
		return LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT))
			.port(lakebase.get().port());
	}

	private static String caCertificate() {
		return lakebase.get().caCertificate().toString();
	}

	// A CA that did not sign the local Lakebase's certificate: one of the JVM's public CAs.
	private static Path otherCa() throws Exception {
		KeyStore trustStore = KeyStore.getInstance(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")
			.toFile(), "changeit".toCharArray());
		String alias = trustStore.aliases().nextElement();
		String pem = "-----BEGIN CERTIFICATE-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(trustStore.getCertificate(alias).getEncoded())
				+ "\n-----END CERTIFICATE-----\n";
		return Files.writeString(directory.resolve("other-ca.pem"), pem);
	}

}
