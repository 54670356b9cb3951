package io.lakebase.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.lakebase.r2dbc.LakebaseR2dbcConnectionFactory;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * R2DBC through Spring Boot's own R2DBC auto-configuration and pool on a local Lakebase: JDBC and
 * R2DBC in one application share the workspace client and the credential; rotation with 5-second
 * credentials under concurrent reactive load; a revoked credential; back-off. Run on each Spring Boot
 * line by a subclass.
 */
public abstract class AbstractLakebaseR2dbcIT {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	private final SpringBootLine line;

	protected AbstractLakebaseR2dbcIT(SpringBootLine line) {
		this.line = line;
	}

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
	}

	@Test
	void jdbcAndR2dbcShareOneCredentialAndBothLogIn() {
		contextRunner().withPropertyValues("spring.r2dbc.pool.initial-size=1", "spring.r2dbc.pool.max-size=3").run((context) -> {
			assertThat(context).hasNotFailed();
			ConnectionFactory connections = context.getBean(ConnectionFactory.class);
			assertThat(connections).isInstanceOf(ConnectionPool.class);
			assertThat(((ConnectionPool) connections).getMetrics().orElseThrow().getMaxAllocatedSize()).isEqualTo(3);
			assertThat(query(connections, "select current_user").block(Duration.ofSeconds(30)))
				.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
			assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("select current_user",
					String.class))
				.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
			// One credential for both sides (at most one refresh more, the credential lasting 5 s).
			assertThat(lakebase.get().stats().credentialRequests()).isBetween(1L, 2L);
			assertThat(context.getBean(ConnectionFactory.class).toString())
				.doesNotContain(lakebase.get().defaultIdentity().secret());
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("UP");
			Map<?, ?> r2dbc = (Map<?, ?>) health.details().get("r2dbc");
			assertThat(r2dbc.get("status")).isEqualTo("UP");
			assertThat(((Map<?, ?>) r2dbc.get("lastLogin")).get("outcome")).isEqualTo("success");
		});
	}

	@Test
	void rotationUnderConcurrentReactiveLoadFailsNothingAndEveryAcknowledgedWriteIsStored() {
		Duration runTime = Duration.ofSeconds(12);
		contextRunner().withPropertyValues("spring.r2dbc.pool.initial-size=1", "spring.r2dbc.pool.max-size=4",
					"spring.r2dbc.pool.max-life-time=1s")
			.run((context) -> {
				ConnectionFactory connections = context.getBean(ConnectionFactory.class);
				update(connections, "create table if not exists reactive_notes (id serial primary key)")
					.block(Duration.ofSeconds(30));
				long callsBefore = lakebase.get().stats().credentialRequests();
				AtomicLong acknowledged = new AtomicLong();
				AtomicLong queries = new AtomicLong();
				AtomicLong failures = new AtomicLong();
				long deadline = System.nanoTime() + runTime.toNanos();
				Flux.range(0, 12)
					.flatMap((worker) -> Mono
						.defer(() -> (worker % 3 == 0)
								? update(connections, "insert into reactive_notes default values")
									.doOnNext(acknowledged::addAndGet)
								: query(connections, "select current_user").doOnNext((user) -> queries.incrementAndGet()))
						// Paced: the test proves rotation under concurrency, not throughput (the benchmarks do).
						.delayElement(Duration.ofMillis(10))
						.onErrorResume((ex) -> {
							failures.incrementAndGet();
							return Mono.empty();
						})
						.repeat(() -> System.nanoTime() < deadline)
						.then())
					.blockLast(runTime.plusSeconds(60));
				assertThat(failures.get()).isZero();
				assertThat(queries.get()).isPositive();
				assertThat(acknowledged.get()).isPositive();
				assertThat(query(connections, "select count(*)::text from reactive_notes").block(Duration.ofSeconds(30)))
					.isEqualTo(Long.toString(acknowledged.get()));
				long calls = lakebase.get().stats().credentialRequests() - callsBefore;
				assertThat(calls).isBetween(runTime.toSeconds() / TOKEN_LIFETIME.toSeconds(), runTime.toMillis() / 2000 + 2);
				System.out.printf("R2DBC figures: Boot's pool under rotation, %d queries and %d writes, 0 failed, %d "
						+ "credential calls in %d s%n", queries.get(), acknowledged.get(), calls, runTime.toSeconds());
			});
	}

	@Test
	void anApiOutageWhileTheCredentialIsValidFailsNothing() {
		contextRunner().withPropertyValues("spring.r2dbc.pool.initial-size=1", "spring.r2dbc.pool.max-life-time=300ms")
			.run((context) -> {
				ConnectionFactory connections = context.getBean(ConnectionFactory.class);
				assertThat(query(connections, "select 1::text").block(Duration.ofSeconds(30))).isEqualTo("1");
				// Right after a refresh, so that the outage starts with a whole credential lifetime ahead.
				LakebaseCredentialCache cache = context.getBean(LakebaseCredentialCache.class);
				Instant refreshed = cache.status().lastRefresh();
				await().atMost(Duration.ofSeconds(20)).until(() -> !refreshed.equals(cache.status().lastRefresh()));
				lakebase.get().faults().apiOutage(true);
				long loginsBefore = lakebase.get().stats().loginsAccepted();
				// The credential stays usable for 4 s of its 5 (its safety margin); its refresh fails.
				long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
				long queries = 0;
				while (System.nanoTime() < until) {
					assertThat(query(connections, "select 1::text").block(Duration.ofSeconds(10))).isEqualTo("1");
					queries++;
				}
				assertThat(queries).isPositive();
				assertThat(lakebase.get().stats().loginsAccepted() - loginsBefore).as("new logins during the outage")
					.isPositive();
			});
	}

	@Test
	void aRevokedCredentialIsReplacedOnceAndTheConnectionOpens() throws Exception {
		// 20 s credentials: one refused more than 5 s (a quarter of its life) after it was issued is
		// worth replacing, and its refresh falls due only after 8 s.
		try (LocalLakebase local = LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(20)).start()) {
			contextRunner(local).withPropertyValues("spring.r2dbc.pool.enabled=false").run((context) -> {
				ConnectionFactory connections = context.getBean(ConnectionFactory.class);
				assertThat(query(connections, "select 1::text").block(Duration.ofSeconds(30))).isEqualTo("1");
				Instant issued = context.getBean(LakebaseCredentialCache.class).status().lastRefresh();
				Thread.sleep(Math.max(0, Duration.between(Instant.now(), issued.plusMillis(5_500)).toMillis()));
				local.revokeTokens(local.defaultIdentity().name());
				long callsBefore = local.stats().credentialRequests();
				assertThat(query(connections, "select current_user").block(Duration.ofSeconds(30)))
					.isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
				assertThat(local.stats().loginsRejected()).isEqualTo(1);
				assertThat(local.stats().credentialRequests() - callsBefore).isEqualTo(1);
				// No pool here: the bean is the Lakebase connection factory, which owns its outcome.
				assertThat(((LakebaseR2dbcConnectionFactory) connections).lastLogin().orElseThrow().succeeded()).isTrue();
			});
		}
	}

	@Test
	void backsOffForAUserConnectionFactory() {
		contextRunner().withBean("userConnectionFactory", ConnectionFactory.class, UserConnectionFactory::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("lakebaseR2dbcConnectionFactoryDecorator");
				assertThat(context.getBean(ConnectionFactory.class)).isInstanceOf(UserConnectionFactory.class);
				assertThat(context).hasSingleBean(LakebasePrimaryConnection.class);
			});
	}

	@Test
	void springR2dbcUrlWithLakebaseFailsNamingBoth() {
		contextRunner().withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://localhost/other")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("spring.r2dbc.url")
				.hasMessageContaining("lakebase.endpoint"));
	}

	@Test
	void aPasswordInsideSpringR2dbcUrlIsMasked() {
		contextRunner().withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://app:r2-s3cr3t@localhost/other")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConflictingConnectionPropertiesException.class)
				.hasMessageContaining("spring.r2dbc.url ('r2dbc:postgresql://app:******@localhost/other'")
				.hasMessageNotContaining("r2-s3cr3t"));
	}

	@Test
	void tlsSetThroughSpringR2dbcPropertiesIsRefused() {
		contextRunner().withPropertyValues("spring.r2dbc.properties.sslMode=disable")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConflictingConnectionPropertiesException.class)
				.hasMessageContaining("spring.r2dbc.properties.sslMode ('disable'")
				.hasMessageContaining("sets TLS beside lakebase.ssl.*"));
	}

	@Test
	void theDefaultTlsSendsNoPasswordOverR2dbcToAServerItCannotVerify() {
		// No root certificate: verify-full against the JVM trust store, which does not hold the
		// emulator's CA. The startup check (JDBC) is off, so that R2DBC makes the first login.
		contextRunner(withoutRootCertificate()).withPropertyValues("lakebase.fail-fast=false").run((context) -> {
			long passwords = lakebase.get().stats().passwordsReceived();
			ConnectionFactory connections = context.getBean(ConnectionFactory.class);
			assertThatException().isThrownBy(() -> query(connections, "select 1::text").block(Duration.ofSeconds(30)))
				.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("unable to find valid certification path"));
			assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
		});
	}

	@Test
	void requireWithAnotherCasRootCertificateSendsNoPasswordOverR2dbc(@TempDir Path directory) throws Exception {
		Path otherCa = Files.writeString(directory.resolve("other-ca.pem"), TestCertificates.aPublicCaOfTheJvm());
		contextRunner(withoutRootCertificate())
			.withPropertyValues("lakebase.ssl.mode=require", "lakebase.ssl.root-cert=" + otherCa, "lakebase.fail-fast=false")
			.run((context) -> {
				long passwords = lakebase.get().stats().passwordsReceived();
				ConnectionFactory connections = context.getBean(ConnectionFactory.class);
				assertThatException().isThrownBy(() -> query(connections, "select 1::text").block(Duration.ofSeconds(30)))
					.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("SSLHandshakeException"));
				assertThat(lakebase.get().stats().passwordsReceived()).isEqualTo(passwords);
			});
	}

	private ApplicationContextRunner contextRunner() {
		return contextRunner(lakebase.get());
	}

	private ApplicationContextRunner contextRunner(LocalLakebase local) {
		return contextRunner(local.springProperties());
	}

	private ApplicationContextRunner contextRunner(Map<String, String> properties) {
		return new ApplicationContextRunner().withConfiguration(this.line.lakebaseDataSource())
			.withConfiguration(this.line.lakebaseR2dbc())
			.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withInitializer((context) -> TestPropertyValues.of(properties).applyTo(context));
	}

	// The local Lakebase without its CA: what a server no trusted CA signed looks like.
	private static Map<String, String> withoutRootCertificate() {
		Map<String, String> properties = new LinkedHashMap<>(lakebase.get().springProperties());
		properties.remove("lakebase.ssl.root-cert");
		return properties;
	}

	static Mono<String> query(ConnectionFactory connections, String sql) {
		return Mono.usingWhen(connections.create(),
				(connection) -> Mono.from(connection.createStatement(sql).execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0, String.class)))),
				Connection::close);
	}

	static Mono<Long> update(ConnectionFactory connections, String sql) {
		return Mono.usingWhen(connections.create(),
				(connection) -> Mono.from(connection.createStatement(sql).execute())
					.flatMap((result) -> Mono.from(result.getRowsUpdated())),
				Connection::close);
	}

	static final class UserConnectionFactory implements ConnectionFactory {

		@Override
		public Publisher<? extends Connection> create() {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public ConnectionFactoryMetadata getMetadata() {
			return () -> "PostgreSQL";
		}

	}

}
