package io.lakebase.r2dbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseLoginOutcome;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.SslMode;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * R2DBC on a local Lakebase issuing 5-second credentials, through r2dbc-pool and the real
 * r2dbc-postgresql driver: rotation under concurrent reactive load, an API outage while the
 * credential is valid, a revoked credential, and acknowledged writes.
 */
class LakebaseR2dbcIT {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	private R2dbcTestConnection connector;

	private ConnectionPool pool;

	@BeforeEach
	void start() {
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
		this.connector = connector(lakebase.get());
	}

	@AfterEach
	void stop() {
		if (this.pool != null) {
			this.pool.dispose();
		}
		this.connector.close();
		lakebase.get().faults().reset();
	}

	@Test
	void theOptionsHoldNoSecretAndLogInAsTheServicePrincipal() {
		ConnectionFactoryOptions options = this.connector.options();
		assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("127.0.0.1");
		assertThat(options.getValue(ConnectionFactoryOptions.USER)).isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		assertThat(options.toString()).doesNotContain(lakebase.get().defaultIdentity().secret());
		this.pool = pool(Duration.ofMinutes(10), 2);
		assertThat(query(this.pool, "select current_user").block(Duration.ofSeconds(30)))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		assertThat(this.connector.lastLogin().orElseThrow().succeeded()).isTrue();
		// The options are resolved, not looked up again, and no credential leaks into them.
		assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
	}

	@Test
	void verifyFullChecksTheCertificateAgainstTheRootCertificate() {
		this.connector.close();
		this.connector = connector(lakebase.get(), (settings) -> settings.sslMode(SslMode.VERIFY_FULL)
			.sslRootCert(lakebase.get().caCertificate().toString()));
		ConnectionFactoryOptions options = this.connector.options();
		assertThat(options.getValue(Option.valueOf("sslMode"))).isEqualTo("verify-full");
		this.pool = pool(Duration.ofMinutes(10), 1);
		assertThat(query(this.pool, "select current_user").block(Duration.ofSeconds(30)))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
	}

	@Test
	void theDefaultRefusesAServerItCannotVerifyAndSendsItNoPassword() {
		// No root certificate: verify-full against the JVM trust store, which cannot vouch for the
		// emulator's certificate.
		this.connector.close();
		this.connector = connector(lakebase.get(), (settings) -> settings.sslRootCert(null));
		ConnectionFactoryOptions options = this.connector.options();
		assertThat(options.getValue(Option.valueOf("sslMode"))).isEqualTo("verify-full");
		ConnectionFactory connections = this.connector.factory(ConnectionFactories.get(options));
		long passwords = lakebase.get().stats().passwordsReceived();
		// The handshake fails before any credential is sent.
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> query(connections, "select 1::text").block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("SSLHandshakeException")
				.hasStackTraceContaining("unable to find valid certification path"));
		assertThat(this.connector.lastLogin().orElseThrow().succeeded()).isFalse();
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void requireWithAnotherCasRootCertificateVerifiesTheCaAndSendsNoPassword(@TempDir Path directory)
			throws Exception {
		// A CA that did not sign the emulator's certificate: one of the JVM's public CAs.
		KeyStore jvmCas = KeyStore.getInstance(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")
			.toFile(), "changeit".toCharArray());
		byte[] der = jvmCas.getCertificate(jvmCas.aliases().nextElement()).getEncoded();
		Path otherCa = Files.writeString(directory.resolve("other-ca.pem"), "-----BEGIN CERTIFICATE-----\n"
				+ Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE-----\n");
		this.connector.close();
		this.connector = connector(lakebase.get(),
				(settings) -> settings.sslMode(SslMode.REQUIRE).sslRootCert(otherCa.toString()));
		ConnectionFactoryOptions options = this.connector.options();
		assertThat(options.getValue(Option.valueOf("sslMode"))).isEqualTo("verify-ca");
		ConnectionFactory connections = this.connector.factory(ConnectionFactories.get(options));
		long passwords = lakebase.get().stats().passwordsReceived();
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> query(connections, "select 1::text").block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("SSLHandshakeException"));
		assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
	}

	@Test
	void rotationUnderConcurrentReactiveLoadFailsNothing() {
		Duration runTime = Duration.ofSeconds(15);
		// A connection lives 1 s: every second brings new logins, across three credential rotations.
		this.pool = pool(Duration.ofSeconds(1), 4);
		AtomicLong queries = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		long deadline = System.nanoTime() + runTime.toNanos();
		Flux.range(0, 16)
			.flatMap((worker) -> Mono.defer(() -> query(this.pool, "select current_user"))
				.doOnNext((user) -> queries.incrementAndGet())
				// Paced: the test proves rotation under concurrency, not throughput (the benchmarks do).
				.delayElement(Duration.ofMillis(10))
				.onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				})
				.repeat(() -> System.nanoTime() < deadline)
				.then())
			.blockLast(runTime.plusSeconds(60));
		long calls = lakebase.get().stats().credentialRequests();
		assertThat(failures.get()).isZero();
		assertThat(queries.get()).isPositive();
		// A refresh at half-life less up to a fifth of it: at most one call per 2 s, plus the first
		// and one in flight, however many connections the pool opened.
		assertThat(calls).isBetween(runTime.toSeconds() / TOKEN_LIFETIME.toSeconds(), runTime.toMillis() / 2000 + 2);
		assertThat(lakebase.get().stats().loginsAccepted()).isGreaterThan(2 * calls);
		System.out.printf("R2DBC figures: rotation, %d queries, 0 failed, %d logins, %d credential calls in %d s%n",
				queries.get(), lakebase.get().stats().loginsAccepted(), calls, runTime.toSeconds());
	}

	@Test
	void anApiOutageWhileTheCredentialIsValidFailsNothing() {
		this.pool = pool(Duration.ofMillis(300), 2);
		assertThat(query(this.pool, "select 1::text").block(Duration.ofSeconds(30))).isEqualTo("1");
		lakebase.get().faults().apiOutage(true);
		long loginsBefore = lakebase.get().stats().loginsAccepted();
		// The credential stays usable for 4 s (lifetime less its safety margin); its refresh fails.
		long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
		long failed = 0;
		long queries = 0;
		while (System.nanoTime() < until) {
			try {
				query(this.pool, "select 1::text").block(Duration.ofSeconds(10));
				queries++;
			}
			catch (RuntimeException ex) {
				failed++;
			}
		}
		assertThat(failed).isZero();
		assertThat(queries).isPositive();
		assertThat(lakebase.get().stats().loginsAccepted() - loginsBefore).as("new logins during the outage")
			.isPositive();
	}

	@Test
	void aRevokedCredentialIsReplacedOnceAndTheLoginSucceeds() throws Exception {
		ConnectionFactory connections = this.connector.factory(ConnectionFactories.get(this.connector.options()));
		assertThat(query(connections, "select current_user").block(Duration.ofSeconds(30)))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		// Not refused within a quarter of its lifetime: a credential that old is worth replacing.
		Thread.sleep(TOKEN_LIFETIME.toMillis() / 4 + 300);
		long callsBefore = lakebase.get().stats().credentialRequests();
		lakebase.get().revokeTokens(lakebase.get().defaultIdentity().name());
		assertThat(query(connections, "select current_user").block(Duration.ofSeconds(30)))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		assertThat(lakebase.get().stats().loginsRejected()).isEqualTo(1);
		assertThat(lakebase.get().stats().credentialRequests() - callsBefore).isBetween(1L, 2L);
		assertThat(this.connector.lastLogin().orElseThrow().succeeded()).isTrue();
	}

	@Test
	void aRefusalWhoseReplacementCannotBeHadIsReportedAsTheRefusal() throws Exception {
		ConnectionFactory connections = this.connector.factory(ConnectionFactories.get(this.connector.options()));
		assertThat(query(connections, "select current_user").block(Duration.ofSeconds(30)))
			.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
		Thread.sleep(TOKEN_LIFETIME.toMillis() / 4 + 300);
		lakebase.get().revokeTokens(lakebase.get().defaultIdentity().name());
		lakebase.get().faults().apiOutage(true, 500);
		assertThatExceptionOfType(R2dbcException.class)
			.isThrownBy(() -> query(connections, "select current_user").block(Duration.ofSeconds(30)))
			.satisfies((ex) -> {
				assertThat(ex.getSqlState()).isEqualTo("28P01");
				assertThat(ex.getSuppressed()).isNotEmpty();
			});
		LakebaseLoginOutcome outcome = this.connector.lastLogin().orElseThrow();
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.sqlState()).isEqualTo("28P01");
	}

	@Test
	void everyAcknowledgedWriteIsStored() {
		this.pool = pool(Duration.ofSeconds(1), 4);
		Mono.usingWhen(this.pool.create(),
				(connection) -> Mono.from(connection.createStatement("create table if not exists r2dbc_notes (id serial "
						+ "primary key, worker int)").execute()).flatMap((result) -> Mono.from(result.getRowsUpdated())),
				Connection::close)
			.block(Duration.ofSeconds(30));
		AtomicLong acknowledged = new AtomicLong();
		Flux.range(0, 8)
			.flatMap((worker) -> Mono.usingWhen(this.pool.create(),
					(connection) -> Mono.from(connection.createStatement("insert into r2dbc_notes (worker) values ($1)")
						.bind("$1", worker)
						.execute()).flatMap((result) -> Mono.from(result.getRowsUpdated())),
					Connection::close)
				.doOnNext((rows) -> acknowledged.addAndGet(rows))
				.repeat(199))
			.blockLast(Duration.ofSeconds(120));
		assertThat(acknowledged.get()).isEqualTo(8 * 200);
		assertThat(query(this.pool, "select count(*)::text from r2dbc_notes").block(Duration.ofSeconds(30)))
			.isEqualTo(Long.toString(acknowledged.get()));
	}

	private ConnectionPool pool(Duration maxLifeTime, int maxSize) {
		ConnectionFactory connections = this.connector.factory(ConnectionFactories.get(this.connector.options()));
		return new ConnectionPool(ConnectionPoolConfiguration.builder(connections)
			.maxSize(maxSize)
			.maxLifeTime(maxLifeTime)
			.maxAcquireTime(Duration.ofSeconds(20))
			.build());
	}

	static Mono<String> query(ConnectionFactory connections, String sql) {
		return Mono.usingWhen(connections.create(),
				(connection) -> Mono.from(connection.createStatement(sql).execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0, String.class)))),
				Connection::close);
	}

	static R2dbcTestConnection connector(LocalLakebase local) {
		return connector(local, (settings) -> settings);
	}

	static R2dbcTestConnection connector(LocalLakebase local,
			UnaryOperator<LakebaseConnectionSettings.Builder> customizer) {
		Identity identity = local.defaultIdentity();
		WorkspaceClient client = new WorkspaceClient(new DatabricksConfig().setHost(local.workspaceUrl())
			.setClientId(identity.name())
			.setClientSecret(identity.secret()));
		return new R2dbcTestConnection(customizer
			.apply(LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(LocalLakebase.DEFAULT_ENDPOINT))
				.port(local.port())
				.sslRootCert(local.caCertificate().toString()))
			.build(), () -> client);
	}

}
