package io.lakebase.spring.autoconfigure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Read replicas and more Lakebase data sources, end to end on a local Lakebase whose project has
 * a high-availability primary and a read replica endpoint: where read-only and read-write
 * transactions go (counted logins per host, and the session's
 * {@code default_transaction_read_only}, which only the read-only hosts set), fallback and
 * recovery, health, meters and shared credentials. Run on each Spring Boot line by a subclass.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class AbstractLakebaseReadReplicaIT {

	private static final String PRIMARY = LocalLakebase.DEFAULT_ENDPOINT;

	private static final String REPLICA = LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT;

	// Only sessions on a read-only host have it on; a read-only transaction on the primary has
	// transaction_read_only on, but not this.
	private static final String SESSION_KIND = "select current_setting('default_transaction_read_only')";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder());

	private final SpringBootLine line;

	protected AbstractLakebaseReadReplicaIT(SpringBootLine line) {
		this.line = line;
	}

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
	}

	@Test
	void readOnlyTransactionsGoToTheReplicaAndTheRestToThePrimary() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.endpoint=" + REPLICA).run((context) -> {
			assertThat(context).hasNotFailed();
			Work work = new Work(context.getBean(DataSource.class));
			work.write("create table if not exists replica_notes (id serial primary key, text text)");
			work.write("insert into replica_notes (text) values ('written on the primary')");
			String replicaHost = lakebase.get().host(REPLICA);
			long replicaLogins = lakebase.get().stats().loginsAccepted(replicaHost);
			assertThat(work.readOnly(SESSION_KIND)).isEqualTo("on");
			assertThat(work.readOnly("select current_setting('transaction_read_only')")).isEqualTo("on");
			assertThat(work.readOnly("select text from replica_notes order by id desc limit 1"))
				.isEqualTo("written on the primary");
			assertThat(work.readWrite(SESSION_KIND)).isEqualTo("off");
			assertThat(work.readWrite("select current_setting('transaction_read_only')")).isEqualTo("off");
			// Outside a transaction (auto-commit), work goes to the primary too.
			assertThat(work.jdbc.queryForObject(SESSION_KIND, String.class)).isEqualTo("off");
			assertThat(lakebase.get().stats().loginsAccepted(lakebase.get().host(PRIMARY))).isPositive();
			assertThat(replicaLogins + lakebase.get().stats().loginsAccepted(replicaHost)).isPositive();
			// The replica's connector resolved the replica's own host, and both pools share one
			// credential: the startup made one credential call for the two.
			LakebaseResolver replica = context.getBean("lakebaseReadOnlyResolver", LakebaseResolver.class);
			assertThat(replica.resolved().orElseThrow().host()).isEqualTo(replicaHost);
			assertThat(context.getBean(LakebaseResolver.class)).isNotSameAs(replica);
			assertThat(lakebase.get().stats().credentialRequests()).isLessThanOrEqualTo(1);
			assertThat(context.getBean(DataSource.class).unwrap(HikariDataSource.class).getPoolName())
				.isNotEqualTo("lakebase-read-only");
		});
	}

	@Test
	void aWriteInAReadOnlyTransactionFailsWithTheStandbysSqlState() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.endpoint=" + REPLICA).run((context) -> {
			Work work = new Work(context.getBean(DataSource.class));
			work.write("create table if not exists replica_writes (id int)");
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> work.inReadOnly(() -> work.jdbc.update("insert into replica_writes values (1)")))
				.satisfies((ex) -> assertThat(sqlState(ex)).isEqualTo("25006"));
			assertThat(work.jdbc.queryForObject("select count(*) from replica_writes", Long.class)).isZero();
		});
	}

	@Test
	void theHighAvailabilityEndpointsReadOnlyHostServesWhenEnabled() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			String haHost = lakebase.get().readOnlyHost(PRIMARY).orElseThrow();
			assertThat(context.getBean("lakebaseReadOnlyResolver", LakebaseResolver.class).resolved().orElseThrow()
				.host()).isEqualTo(haHost);
			long before = lakebase.get().stats().loginsAccepted(haHost);
			Work work = new Work(context.getBean(DataSource.class));
			assertThat(work.readOnly(SESSION_KIND)).isEqualTo("on");
			assertThat(before + lakebase.get().stats().loginsAccepted(haHost)).isPositive();
			assertThat(work.readWrite(SESSION_KIND)).isEqualTo("off");
		});
	}

	@Test
	void anExplicitReadOnlyHostIsUsedWithoutALookup() {
		String replicaHost = lakebase.get().host(REPLICA);
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.host=" + replicaHost).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(new Work(context.getBean(DataSource.class)).readOnly(SESSION_KIND)).isEqualTo("on");
			assertThat(lakebase.get().stats().requests("/api/2.0/postgres/" + REPLICA)).isZero();
		});
	}

	@Test
	void whenTheReplicaIsDownReadsFallBackToThePrimaryAndReturnWhenItIsBack() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.endpoint=" + REPLICA,
				"lakebase.read-only.hikari.minimum-idle=1", "lakebase.read-only.retry-after=1s").run((context) -> {
			Work work = new Work(context.getBean(DataSource.class));
			assertThat(work.readOnly(SESSION_KIND)).isEqualTo("on");
			String replicaHost = lakebase.get().host(REPLICA);
			lakebase.get().faults().hostDown(replicaHost, true);
			context.getBean("lakebaseReadOnlyDataSource", HikariDataSource.class)
				.getHikariPoolMXBean()
				.softEvictConnections();
			// On the primary, still read-only: the session is the primary's, the transaction read-only.
			assertThat(work.readOnly(SESSION_KIND)).isEqualTo("off");
			assertThat(work.readOnly("select current_setting('transaction_read_only')")).isEqualTo("on");
			assertThat(work.readWrite("select 'writes still work'")).isEqualTo("writes still work");
			ReadReplicaRoutingDataSource.Status routing = routing(context).status();
			assertThat(routing.fallbacks()).isPositive();
			assertThat(routing.fallingBack()).isTrue();
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("UP");
			Map<?, ?> readOnly = (Map<?, ?>) health.details().get("readOnly");
			assertThat(readOnly.get("status")).isEqualTo("DOWN");
			assertThat(((Map<?, ?>) readOnly.get("fallback")).get("active")).isEqualTo(true);
			lakebase.get().faults().hostDown(replicaHost, false);
			long back = System.nanoTime();
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.untilAsserted(() -> assertThat(work.readOnly(SESSION_KIND)).isEqualTo("on"));
			System.out.printf("Read replica figures: replica down, %d read-only transactions served by the primary; "
					+ "reads back on the replica %d ms after it returned%n",
					routing(context).status().fallbacks(),
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				Map<?, ?> recovered = (Map<?, ?>) this.line.health(context).details().get("readOnly");
				assertThat(recovered.get("status")).isEqualTo("UP");
				assertThat(((Map<?, ?>) recovered.get("fallback")).get("active")).isEqualTo(false);
			});
		});
	}

	@Test
	void withoutFallbackReadsFailWhileTheReplicaIsDownAndHealthIsDown() {
		contextRunner(lakebase.get())
			.withPropertyValues("lakebase.read-only.endpoint=" + REPLICA, "lakebase.read-only.fallback=false",
					"lakebase.read-only.hikari.connection-timeout=1000")
			.run((context) -> {
				Work work = new Work(context.getBean(DataSource.class));
				lakebase.get().faults().hostDown(lakebase.get().host(REPLICA), true);
				// The first read may meet a pooled connection the outage closed; the pool then logs in
				// anew, is refused, and health rests on that refusal.
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> work.readOnly(SESSION_KIND));
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					SpringBootLine.HealthReport health = this.line.health(context);
					assertThat(health.status()).isEqualTo("DOWN");
					assertThat(((Map<?, ?>) health.details().get("readOnly")).get("status")).isEqualTo("DOWN");
				});
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> work.readOnly(SESSION_KIND));
				assertThat(work.readWrite(SESSION_KIND)).isEqualTo("off");
				assertThat(routing(context).status().fallbacks())
					.isZero();
			});
	}

	@Test
	void aServletWebApplicationGetsTheReadYourWritesFilterUnlessTurnedOff() {
		WebApplicationContextRunner web = new WebApplicationContextRunner()
			.withConfiguration(this.line.lakebaseDataSource())
			.withInitializer((context) -> TestPropertyValues
				.of(lakebase.get().springProperties().entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()))
				.applyTo(context))
			.withPropertyValues("lakebase.read-only.endpoint=" + REPLICA);
		web.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(LakebaseReadOnlyScopeFilter.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(ReadReplicaRoutingDataSource.class);
		});
		web.withPropertyValues("lakebase.read-only.read-your-writes=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LakebaseReadOnlyScopeFilter.class));
		// Not a web application: no filter.
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.endpoint=" + REPLICA)
			.run((context) -> assertThat(context).doesNotHaveBean(LakebaseReadOnlyScopeFilter.class));
	}

	@Test
	void aRetryWindowThatIsNotPositiveIsReportedByItsProperty() {
		contextRunner(lakebase.get())
			.withPropertyValues("lakebase.read-only.endpoint=" + REPLICA, "lakebase.read-only.retry-after=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("lakebase.read-only.retry-after")
				.hasMessageContaining("positive"));
	}

	@Test
	void aMalformedReadOnlyEndpointIsReportedByItsProperty() {
		contextRunner(lakebase.get()).withPropertyValues("lakebase.read-only.endpoint=not-an-endpoint")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("lakebase.read-only.endpoint")
				.hasMessageContaining("not-an-endpoint"));
	}

	@Test
	void twoLakebaseDatabasesInOneContextShareOneCredential() {
		contextRunner(lakebase.get()).withUserConfiguration(OrdersDataSourceConfiguration.class)
			.withPropertyValues("app.orders.hikari.maximum-pool-size=3")
			.run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource primary = context.getBean(DataSource.class);
			HikariDataSource orders = context.getBean("ordersDataSource", HikariDataSource.class);
			assertThat(primary.unwrap(HikariDataSource.class)).isNotSameAs(orders);
			assertThat(new JdbcTemplate(primary).queryForObject("select current_database()", String.class))
				.isEqualTo("databricks_postgres");
			assertThat(new JdbcTemplate(orders).queryForObject("select current_database()", String.class))
				.isEqualTo("postgres");
			// Bound by @ConfigurationProperties after the builder made the pool.
			assertThat(orders.getMaximumPoolSize()).isEqualTo(3);
			assertThat(orders.getPoolName()).isEqualTo("orders");
			assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
			SpringBootLine.HealthReport health = this.line.health(context);
			assertThat(health.status()).isEqualTo("UP");
			Map<?, ?> named = (Map<?, ?>) ((Map<?, ?>) health.details().get("dataSources")).get("orders");
			assertThat(named.get("status")).isEqualTo("UP");
			assertThat(named.get("database")).isEqualTo("postgres");
		});
	}

	@Test
	void aUserDataSourceMakesTheStarterBackOffAndSaysSoOnce(CapturedOutput output) {
		contextRunner(lakebase.get()).withUserConfiguration(UserDataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(LakebasePrimaryConnection.class);
			assertThat(context).hasSingleBean(LakebaseDataSourceBuilder.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(DriverManagerDataSource.class);
		});
		String message = "Lakebase: the application defines its own userDataSource (DataSource)";
		assertThat(output.getAll()).containsOnlyOnce(message);
		assertThat(lakebase.get().stats().credentialRequests()).isZero();
	}

	@Test
	void rotationWithBothPoolsUnderLoadFailsNothing() throws Exception {
		Duration lifetime = Duration.ofSeconds(5);
		Duration runTime = Duration.ofSeconds(15);
		try (LocalLakebase shortLived = LocalLakebase.builder().tokenLifetime(lifetime).start()) {
			contextRunner(shortLived)
				.withPropertyValues("lakebase.read-only.endpoint=" + REPLICA,
						"spring.datasource.hikari.maximum-pool-size=3")
				.run((context) -> {
					Work work = new Work(context.getBean(DataSource.class));
					work.write("create table if not exists rotation_notes (id serial primary key)");
					HikariDataSource primaryPool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
					HikariDataSource replicaPool = context.getBean("lakebaseReadOnlyDataSource", HikariDataSource.class);
					long deadline = System.nanoTime() + runTime.toNanos();
					AtomicLong reads = new AtomicLong();
					AtomicLong writes = new AtomicLong();
					AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
					ExecutorService workers = Executors.newFixedThreadPool(5);
					try {
						List<Future<Long>> failures = new ArrayList<>();
						for (int i = 0; i < 4; i++) {
							boolean reader = i % 2 == 0;
							failures.add(workers.submit(() -> {
								long failed = 0;
								while (System.nanoTime() < deadline) {
									try {
										if (reader) {
											work.readOnly("select count(*)::text from rotation_notes");
											reads.incrementAndGet();
										}
										else {
											work.write("insert into rotation_notes default values");
											writes.incrementAndGet();
										}
									}
									catch (RuntimeException ex) {
										firstFailure.compareAndSet(null, ex);
										failed++;
									}
									// Paced: rotation under concurrency, not throughput (the benchmarks).
									Thread.sleep(5);
								}
								return failed;
							}));
						}
						// Hikari floors maxLifetime at 30 s: evicting every 2 s makes every connection
						// a new login, as a short maxLifetime would.
						workers.submit(() -> {
							while (System.nanoTime() < deadline) {
								Thread.sleep(2000);
								primaryPool.getHikariPoolMXBean().softEvictConnections();
								replicaPool.getHikariPoolMXBean().softEvictConnections();
							}
							return null;
						});
						long failed = 0;
						for (Future<Long> failure : failures) {
							failed += failure.get(runTime.toSeconds() + 60, TimeUnit.SECONDS);
						}
						assertThat(failed).as(() -> "failed operations, the first: " + stackTrace(firstFailure.get()))
							.isZero();
					}
					finally {
						workers.shutdownNow();
					}
					assertThat(reads.get()).isPositive();
					assertThat(writes.get()).isPositive();
					assertThat(work.jdbc.queryForObject("select count(*) from rotation_notes", Long.class))
						.isEqualTo(writes.get());
					assertThat(shortLived.stats().loginsAccepted(shortLived.host(REPLICA))).isGreaterThan(3);
					assertThat(shortLived.stats().loginsAccepted(shortLived.host(PRIMARY))).isGreaterThan(3);
					// One credential for both pools, refreshed at half its life less up to a fifth
					// (jitter): at most one call per 2 s, plus the first and one in flight. A
					// credential per pool would make twice as many.
					long bound = runTime.toMillis() / 2000 + 2;
					assertThat(shortLived.stats().credentialRequests())
						.isBetween(runTime.toSeconds() / lifetime.toSeconds(), bound);
					assertThat(routing(context).status().fallbacks())
						.isZero();
					System.out.printf("Read replica figures: rotation with both pools, %d read-only transactions, %d "
							+ "writes, 0 failed; %d replica and %d primary logins; %d credential calls in %d s%n",
							reads.get(), writes.get(), shortLived.stats().loginsAccepted(shortLived.host(REPLICA)),
							shortLived.stats().loginsAccepted(shortLived.host(PRIMARY)),
							shortLived.stats().credentialRequests(), runTime.toSeconds());
				});
		}
	}

	private ApplicationContextRunner contextRunner(LocalLakebase local) {
		return new ApplicationContextRunner().withConfiguration(this.line.lakebaseDataSource())
			.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withInitializer((context) -> TestPropertyValues
				.of(local.springProperties().entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()))
				.applyTo(context));
	}

	// The routing is the application's dataSource bean.
	static ReadReplicaRoutingDataSource routing(ApplicationContext context) {
		try {
			return context.getBean("dataSource", DataSource.class).unwrap(ReadReplicaRoutingDataSource.class);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sqlState(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	/**
	 * Runs statements in read-only and read-write transactions, as {@code @Transactional} does.
	 */
	private static String stackTrace(Throwable failure) {
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		return trace.toString();
	}

	static final class Work {

		final JdbcTemplate jdbc;

		private final TransactionTemplate readOnly;

		private final TransactionTemplate readWrite;

		Work(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
			this.readOnly = new TransactionTemplate(transactions);
			this.readOnly.setReadOnly(true);
			this.readWrite = new TransactionTemplate(transactions);
		}

		String readOnly(String query) {
			return this.readOnly.execute((status) -> this.jdbc.queryForObject(query, String.class));
		}

		String readWrite(String query) {
			return this.readWrite.execute((status) -> this.jdbc.queryForObject(query, String.class));
		}

		void write(String statement) {
			this.readWrite.executeWithoutResult((status) -> this.jdbc.execute(statement));
		}

		void inReadOnly(Runnable work) {
			this.readOnly.executeWithoutResult((status) -> work.run());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@ConfigurationProperties("app.orders.hikari")
		HikariDataSource ordersDataSource(LakebaseDataSourceBuilder lakebase) {
			return lakebase.name("orders").database("postgres").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource userDataSource() {
			return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
		}

	}

}
