package io.lakebase.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LakebaseTarget}, {@link LakebaseConnectionSettings}, {@link SslMode} and
 * {@link LakebaseConnectionInfo}: validation before any network call, and the JDBC URL.
 */
class LakebaseSettingsTests {

	private static final String ENDPOINT = "projects/shop/branches/production/endpoints/primary";

	@Test
	void targetsAreParsedAndChecked() {
		assertThat(LakebaseTarget.endpoint(" " + ENDPOINT + " ")).isEqualTo(
				new LakebaseTarget(LakebaseTarget.Flavour.AUTOSCALING, ENDPOINT));
		assertThat(LakebaseTarget.instance("orders").kind()).isEqualTo("instance");
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseTarget.endpoint("shop/primary"))
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("endpoint");
				assertThat(ex.getValue()).isEqualTo("shop/primary");
				assertThat(ex.getMessage()).contains("projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>");
				assertThat(ex.getAction()).contains("projects/my-project/branches/production/endpoints/primary")
					.doesNotContain("projects/<project-id>");
			});
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseTarget.instance("a/b"))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("instance"));
	}

	@Test
	void loopbackIsDecidedByParsingNeverByTheLooksOfAName() {
		assertThat(SslMode.isLoopback("localhost")).isTrue();
		assertThat(SslMode.isLoopback("127.0.0.1")).isTrue();
		assertThat(SslMode.isLoopback("127.12.0.9")).isTrue();
		assertThat(SslMode.isLoopback("::1")).isTrue();
		assertThat(SslMode.isLoopback("[::1]")).isTrue();
		assertThat(SslMode.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
		assertThat(SslMode.isLoopback("127.attacker.example")).isFalse();
		assertThat(SslMode.isLoopback("127.0.0.1.nip.io")).isFalse();
		assertThat(SslMode.isLoopback("localhost.example.com")).isFalse();
		assertThat(SslMode.isLoopback("127.0.0.256")).isFalse();
		assertThat(SslMode.isLoopback("10.0.0.1")).isFalse();
		assertThat(SslMode.isLoopback("instance-1.database.cloud.databricks.com")).isFalse();
		assertThat(SslMode.isLoopback("::2")).isFalse();
	}

	@Test
	void modesThatMayFallBackToPlaintextAreRefusedForRemoteHosts() {
		for (SslMode mode : new SslMode[] { SslMode.DISABLE, SslMode.ALLOW, SslMode.PREFER }) {
			assertThatExceptionOfType(LakebaseConfigurationException.class)
				.isThrownBy(() -> settings().host("127.attacker.example").sslMode(mode).build())
				.satisfies((ex) -> {
					assertThat(ex.getSetting()).isEqualTo("ssl.mode");
					assertThat(ex.getValue()).isEqualTo(mode.jdbcValue());
					assertThat(ex.getAction()).contains("verify-full", "require");
				});
			assertThat(settings().host("127.0.0.1").sslMode(mode).build().sslMode()).isEqualTo(mode);
		}
		assertThat(settings().host("db.example.com").sslMode(SslMode.REQUIRE).build().host()).isEqualTo("db.example.com");
	}

	@Test
	void blankValuesCountAsUnsetAndDefaultsApply() {
		LakebaseConnectionSettings settings = settings().host(" ").username("").schema(null).database(" ").build();
		assertThat(settings.host()).isNull();
		assertThat(settings.username()).isNull();
		assertThat(settings.database()).isEqualTo("databricks_postgres");
		assertThat(settings.port()).isEqualTo(5432);
		assertThat(settings.sslMode()).isEqualTo(SslMode.REQUIRE);
	}

	@Test
	void portMustBeATcpPort() {
		assertThatExceptionOfType(LakebaseConfigurationException.class).isThrownBy(() -> settings().port(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("port"));
	}

	@Test
	void jdbcUrlCarriesTlsAndSchemaButNoCredentials() {
		LakebaseConnectionSettings settings = settings().port(6543)
			.database("shop")
			.sslMode(SslMode.VERIFY_FULL)
			.sslRootCert("/etc/ssl/lakebase ca.pem")
			.schema("orders")
			.build();
		assertThat(new LakebaseConnectionInfo(settings, "db.example.com", "app").jdbcUrl()).isEqualTo(
				"jdbc:postgresql://db.example.com:6543/shop?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Flakebase+ca.pem"
						+ "&currentSchema=orders");
		assertThat(new LakebaseConnectionInfo(settings().build(), "::1", "app").jdbcUrl())
			.isEqualTo("jdbc:postgresql://[::1]:5432/databricks_postgres?sslmode=require");
	}

	@Test
	void verifyingWithoutARootCertificateTrustsTheJvmTrustStore() {
		for (SslMode mode : new SslMode[] { SslMode.VERIFY_FULL, SslMode.VERIFY_CA }) {
			assertThat(new LakebaseConnectionInfo(settings().sslMode(mode).build(), "db.example.com", "app").jdbcUrl())
				.isEqualTo("jdbc:postgresql://db.example.com:5432/databricks_postgres?sslmode=" + mode.jdbcValue()
						+ "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
		}
		assertThat(new LakebaseConnectionInfo(settings().build(), "db.example.com", "app").jdbcUrl())
			.doesNotContain("sslfactory");
	}

	@Test
	void clientCertificateWithoutRootCertificateIsRefusedWhenVerifying() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> settings().sslMode(SslMode.VERIFY_FULL).sslCert("/etc/ssl/client.pem").build())
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("ssl.cert");
				assertThat(ex.getValue()).isEqualTo("/etc/ssl/client.pem");
				assertThat(ex.getMessage()).contains("needs the root certificate");
			});
		assertThat(settings().sslMode(SslMode.VERIFY_FULL).sslCert("/c.pem").sslRootCert("/ca.pem").build().sslCert())
			.isEqualTo("/c.pem");
		assertThat(settings().sslCert("/c.pem").build().sslCert()).isEqualTo("/c.pem");
	}

	private static LakebaseConnectionSettings.Builder settings() {
		return LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(ENDPOINT));
	}

}
