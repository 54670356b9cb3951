package io.lakebase.jdbc;

import java.util.Map;

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
					assertThat(ex.getAction()).contains("verify-full", "require", "root certificate");
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
		assertThat(settings.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
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
		assertThat(new LakebaseConnectionInfo(settings().sslMode(SslMode.REQUIRE).build(), "::1", "app").jdbcUrl())
			.isEqualTo("jdbc:postgresql://[::1]:5432/databricks_postgres?sslmode=require");
	}

	@Test
	void verifyingWithoutARootCertificateTrustsTheJvmTrustStore() {
		for (SslMode mode : new SslMode[] { SslMode.VERIFY_FULL, SslMode.VERIFY_CA }) {
			assertThat(new LakebaseConnectionInfo(settings().sslMode(mode).build(), "db.example.com", "app").jdbcUrl())
				.isEqualTo("jdbc:postgresql://db.example.com:5432/databricks_postgres?sslmode=" + mode.jdbcValue()
						+ "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
		}
		assertThat(new LakebaseConnectionInfo(settings().sslMode(SslMode.REQUIRE).build(), "db.example.com", "app")
			.jdbcUrl()).doesNotContain("sslfactory");
	}

	@Test
	void verifyFullIsTheDefaultForEveryHostLoopbackIncluded() {
		assertThat(LakebaseConnectionSettings.DEFAULT_SSL_MODE).isEqualTo(SslMode.VERIFY_FULL);
		assertThat(settings().host("127.0.0.1").build().effectiveSslMode()).isEqualTo(SslMode.VERIFY_FULL);
		assertThat(new LakebaseConnectionInfo(settings().build(), "localhost", "app").jdbcUrl())
			.contains("sslmode=verify-full");
	}

	@Test
	void requireWithARootCertificateVerifiesTheCaAsLibpqDoes() {
		LakebaseConnectionSettings settings = settings().sslMode(SslMode.REQUIRE).sslRootCert("/etc/ssl/ca.pem").build();
		assertThat(settings.sslMode()).isEqualTo(SslMode.REQUIRE);
		assertThat(settings.effectiveSslMode()).isEqualTo(SslMode.VERIFY_CA);
		assertThat(new LakebaseConnectionInfo(settings, "db.example.com", "app").jdbcUrl())
			.isEqualTo("jdbc:postgresql://db.example.com:5432/databricks_postgres?sslmode=verify-ca"
					+ "&sslrootcert=%2Fetc%2Fssl%2Fca.pem");
		assertThat(settings().sslMode(SslMode.REQUIRE).build().effectiveSslMode()).isEqualTo(SslMode.REQUIRE);
	}

	@Test
	void hostsAreHostNamesOrIpLiteralsNothingMore() {
		for (String host : new String[] { "instance-1.database.cloud.databricks.com", "db", "10.0.0.1", "::1", "[::1]",
				"fe80::1", "db.example.com.", "my_host.internal" }) {
			assertThat(settings().host(host).build().host()).isEqualTo(host);
		}
		for (String host : new String[] { "db.example.com:5432", "db.example.com?sslmode=disable",
				"db.example.com/other?sslfactory=org.postgresql.ssl.NonValidatingFactory", "user:pw@db.example.com",
				"jdbc:postgresql://db.example.com", "db.example.com#x", "db example.com", "db.example.com&sslmode=disable",
				"127.0.0.1:5432", "999.1.1.1", "-db.example.com", "db..example.com", "%64b.example.com" }) {
			assertThatExceptionOfType(LakebaseConfigurationException.class).as(host)
				.isThrownBy(() -> settings().host(host).build())
				.satisfies((ex) -> {
					assertThat(ex.getSetting()).isEqualTo("host");
					assertThat(ex.getValue()).isEqualTo(host);
					assertThat(ex.getMessage()).contains("is not a host name or IP address");
				});
		}
	}

	@Test
	void endpointAndInstanceNamesFollowLakebasesGrammar() {
		for (String name : new String[] { "projects/p/branches/../endpoints/e", "projects/p/branches/b/endpoints/e?x=1",
				"projects/p/branches/b/endpoints/e#f", "projects/p/branches/b/endpoints/e%2F..",
				"projects/p/branches/b/endpoints/e f", "projects/./branches/b/endpoints/e" }) {
			assertThatExceptionOfType(LakebaseConfigurationException.class).as(name)
				.isThrownBy(() -> LakebaseTarget.endpoint(name))
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("endpoint"));
		}
		for (String name : new String[] { "..", "a?b", "a#b", "a%20b", "a b", "a/b", "" }) {
			assertThatExceptionOfType(LakebaseConfigurationException.class).as(name)
				.isThrownBy(() -> LakebaseTarget.instance(name))
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("instance"));
		}
		assertThat(LakebaseTarget.endpoint("projects/my-project/branches/br-a1_b2/endpoints/ep-primary").name())
			.isEqualTo("projects/my-project/branches/br-a1_b2/endpoints/ep-primary");
		assertThat(LakebaseTarget.instance("orders-db_1").name()).isEqualTo("orders-db_1");
	}

	@Test
	void schemasAreIdentifiers() {
		assertThat(settings().schema("orders").build().schemaNames()).containsExactly("orders");
		assertThat(settings().schema("Orders, audit").build().schemaNames()).containsExactly("orders", "audit");
		for (String schema : new String[] { "orders;drop", "1orders", "or ders", "orders,", "\"orders\"", "a".repeat(64) }) {
			assertThatExceptionOfType(LakebaseConfigurationException.class).as(schema)
				.isThrownBy(() -> settings().schema(schema).build())
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("schema"));
		}
	}

	@Test
	void aClientCertificateAndItsKeyGoTogether() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> settings().sslRootCert("/ca.pem").sslCert("/c.pem").build())
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("ssl.cert");
				assertThat(ex.getMessage()).contains("without its private key");
			});
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> settings().sslRootCert("/ca.pem").sslKey("/c.key").build())
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("ssl.key");
				assertThat(ex.getMessage()).contains("without its client certificate");
			});
	}

	@Test
	void clientCertificateWithoutRootCertificateIsRefusedWhenVerifying() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> settings().sslMode(SslMode.VERIFY_FULL).sslCert("/etc/ssl/client.pem").sslKey("/k").build())
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("ssl.cert");
				assertThat(ex.getValue()).isEqualTo("/etc/ssl/client.pem");
				assertThat(ex.getMessage()).contains("needs the root certificate");
			});
		assertThat(settings().sslCert("/c.pem").sslKey("/k").sslRootCert("/ca.pem").build().sslCert()).isEqualTo("/c.pem");
		assertThat(settings().sslMode(SslMode.REQUIRE).sslCert("/c.pem").sslKey("/k").build().sslCert())
			.isEqualTo("/c.pem");
	}

	@Test
	void tlsPropertiesOfTheDriverAreFoundWhateverTheirCase() {
		assertThat(SslMode.tlsProperties(Map.of("sslfactory", "x", "SSLMode", "disable", "sslRootCert", "/ca",
				"ssl", "false", "socketTimeout", "30", "ApplicationName", "app")))
			.containsExactly("SSLMode", "ssl", "sslRootCert", "sslfactory");
	}

	private static LakebaseConnectionSettings.Builder settings() {
		return LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(ENDPOINT));
	}

}
