package io.lakebase.spring.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.spring.autoconfigure.routing.jdbc.JdbcNotesApplication;
import io.lakebase.spring.autoconfigure.routing.jpa.JpaNotesApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Read replica routing in the shapes Spring services run, end to end on a local Lakebase with a
 * read replica, through real HTTP requests: a Spring Data JPA application with open-in-view (one
 * JDBC connection for the whole request) and one without, Spring Data JDBC, {@code JdbcClient},
 * {@code TransactionTemplate} and a plain {@code Connection.setReadOnly(true)}. Which host served a
 * statement is the session's {@code lakebase_local.host}, so no replica lag is needed to show where
 * a read went. Then the replica stopping under a steady read load, and an auto-commit write during
 * fallback. One application context per stack for the whole class. Run on each Spring Boot line
 * by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractLakebaseReadReplicaRoutingIT {

	private static final String REPLICA = LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT;

	private static final String HOST = "select current_setting('lakebase_local.host')";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder());

	private final SpringBootLine line;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private ConfigurableApplicationContext jpa;

	private ConfigurableApplicationContext jdbc;

	private String primaryHost;

	private String replicaHost;

	protected AbstractLakebaseReadReplicaRoutingIT(SpringBootLine line) {
		this.line = line;
	}

	@BeforeAll
	void startApplications() {
		this.primaryHost = lakebase.get().host(LocalLakebase.DEFAULT_ENDPOINT);
		this.replicaHost = lakebase.get().host(REPLICA);
		this.jpa = start(JpaNotesApplication.class, "spring.jpa.open-in-view=true");
		this.jdbc = start(JdbcNotesApplication.class);
		JdbcClient sql = this.jdbc.getBean(JdbcClient.class);
		sql.sql("create table jpa_notes (id bigint primary key, title text)").update();
		sql.sql("create table jdbc_notes (id bigint primary key, title text)").update();
		sql.sql("create table routing_writes (id serial primary key)").update();
	}

	@AfterAll
	void stopApplications() {
		if (this.jpa != null) {
			this.jpa.close();
		}
		if (this.jdbc != null) {
			this.jdbc.close();
		}
	}

	@AfterEach
	void replicaBack() {
		lakebase.get().faults().reset();
		// Each test starts from reads on the replica.
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.replicaHost.equals(readOnly(this.jdbc, HOST)));
	}

	@Test
	void jpaWithOpenInViewFindsThenSavesInOneRequestAndTheRowIsUpdatedOnThePrimary() throws Exception {
		assertThat(this.jpa.getBeanNamesForType(OpenEntityManagerInViewInterceptor.class)).isNotEmpty();
		this.jdbc.getBean(JdbcClient.class).sql("insert into jpa_notes values (1, 'first title')").update();
		HttpResponse<String> response = send("PUT", this.jpa, "/jpa/notes/1?title=renamed");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		// The read-only transaction before the save ran on the replica, the one after it on the
		// primary: the request reads its own write.
		assertThat(response.body()).isEqualTo(this.replicaHost + " " + this.primaryHost);
		JpaNotesApplication.Hosts hosts = this.jpa.getBean(JpaNotesApplication.Hosts.class);
		assertThat(hosts.titleOnThePrimary(1)).isEqualTo("renamed");
	}

	@Test
	void jpaWithoutOpenInViewReadsOnTheReplicaAndSavesOnThePrimary() {
		// Outside a web request no interceptor holds the entity manager: a transaction each.
		this.jdbc.getBean(JdbcClient.class).sql("insert into jpa_notes values (2, 'first title')").update();
		JpaNotesApplication.JpaNotes notes = this.jpa.getBean(JpaNotesApplication.JpaNotes.class);
		JpaNotesApplication.Hosts hosts = this.jpa.getBean(JpaNotesApplication.Hosts.class);
		assertThat(hosts.readOnlyHost()).isEqualTo(this.replicaHost);
		JpaNotesApplication.JpaNote note = notes.findById(2L).orElseThrow();
		note.setTitle("renamed");
		notes.save(note);
		assertThat(hosts.titleOnThePrimary(2)).isEqualTo("renamed");
		assertThat(notes.findById(2L).orElseThrow().getTitle()).isEqualTo("renamed");
	}

	@Test
	void springDataJdbcFindsThenSavesInOneRequestAndTheRowIsUpdatedOnThePrimary() throws Exception {
		JdbcClient sql = this.jdbc.getBean(JdbcClient.class);
		sql.sql("insert into jdbc_notes values (1, 'first title')").update();
		HttpResponse<String> response = send("PUT", this.jdbc, "/jdbc/notes/1?title=renamed");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(this.replicaHost + " " + this.primaryHost);
		assertThat(sql.sql("select title from jdbc_notes where id = 1").query(String.class).single())
			.isEqualTo("renamed");
	}

	@Test
	void aRequestThatReadsWritesAndReadsAgainReadsTheSecondTimeOnThePrimary() throws Exception {
		this.jdbc.getBean(JdbcClient.class).sql("insert into jdbc_notes values (2, 'first title')").update();
		HttpResponse<String> response = send("POST", this.jdbc, "/jdbc/notes/2/read-write-read?title=renamed");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(this.replicaHost + " " + this.primaryHost);
		// The next request has written nothing yet: its first read is the replica's again.
		response = send("POST", this.jdbc, "/jdbc/notes/2/read-write-read?title=again");
		assertThat(response.body()).isEqualTo(this.replicaHost + " " + this.primaryHost);
	}

	@Test
	void transactionTemplateAndAPlainReadOnlyConnectionRouteByTransaction() throws Exception {
		assertThat(readOnly(this.jdbc, HOST)).isEqualTo(this.replicaHost);
		assertThat(readWrite(this.jdbc, HOST)).isEqualTo(this.primaryHost);
		// Outside a request scope, another transaction reads on the replica again.
		assertThat(readOnly(this.jdbc, HOST)).isEqualTo(this.replicaHost);
		DataSource dataSource = this.jdbc.getBean(DataSource.class);
		assertThat(dataSource).isInstanceOf(ReadReplicaRoutingDataSource.class);
		assertThat(dataSource.unwrap(HikariDataSource.class).getPoolName()).isNotEqualTo("lakebase-read-only");
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(true);
			assertThat(query(connection, HOST)).isEqualTo(this.replicaHost);
			// Auto-commit: every statement is a transaction, routed by the flag it runs with.
			connection.setReadOnly(false);
			assertThat(query(connection, HOST)).isEqualTo(this.primaryHost);
			connection.setReadOnly(true);
			// This connection ran work on the primary that may have written: it reads there now.
			assertThat(query(connection, HOST)).isEqualTo(this.primaryHost);
			assertThat(query(connection, "select current_setting('transaction_read_only')")).isEqualTo("on");
		}
	}

	@Test
	void duringFallbackAWriteFailsWith25006InAutoCommitToo() throws Exception {
		DataSource dataSource = this.jdbc.getBean(DataSource.class);
		replicaDown(this.jdbc);
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(true);
			assertThat(connection.getAutoCommit()).isTrue();
			assertThat(query(connection, HOST)).isEqualTo(this.primaryHost);
			try (Statement statement = connection.createStatement()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.executeUpdate("insert into routing_writes default values"))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"));
			}
		}
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> readOnly(this.jdbc, "insert into routing_writes default values returning 'x'"));
		// The primary's connections went back to the pool read-write.
		assertThat(readWrite(this.jdbc, "select current_setting('transaction_read_only')")).isEqualTo("off");
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			assertThat(statement.executeUpdate("insert into routing_writes default values")).isEqualTo(1);
		}
		assertThat(routing(this.jdbc).status().fallbacks()).isPositive();
	}

	@Test
	void aReplicaThatStopsUnderASteadyReadLoadFailsNoReadAndServesAgainOnceBack() throws Exception {
		ReadReplicaRoutingDataSource.Status before = routing(this.jdbc).status();
		int readers = 4;
		Map<String, AtomicLong> byHost = new LinkedHashMap<>();
		byHost.put(this.primaryHost, new AtomicLong());
		byHost.put(this.replicaHost, new AtomicLong());
		AtomicLong back = new AtomicLong(Long.MAX_VALUE);
		AtomicLong firstReplicaReadAfterBack = new AtomicLong(Long.MAX_VALUE);
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(readers);
		List<Future<Long>> failures = new ArrayList<>();
		try {
			for (int i = 0; i < readers; i++) {
				failures.add(threads.submit(() -> {
					long failed = 0;
					while (running.get()) {
						try {
							String host = readOnly(this.jdbc, HOST);
							byHost.get(host).incrementAndGet();
							long now = System.nanoTime();
							if (host.equals(this.replicaHost) && now > back.get()) {
								firstReplicaReadAfterBack.accumulateAndGet(now, Math::min);
							}
						}
						catch (RuntimeException ex) {
							failed++;
						}
						// Paced: a steady read load, not a throughput test (the benchmarks are).
						Thread.sleep(2);
					}
					return failed;
				}));
			}
			Thread.sleep(1000);
			// The replica stops: its sessions are closed, its logins refused, for 3 s.
			lakebase.get().faults().hostDown(this.replicaHost, true);
			Thread.sleep(3000);
			back.set(System.nanoTime());
			lakebase.get().faults().hostDown(this.replicaHost, false);
			// The load goes on until reads are back on the replica (or 30 s), and a little longer.
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> firstReplicaReadAfterBack.get() != Long.MAX_VALUE);
			Thread.sleep(500);
			running.set(false);
			long failed = 0;
			for (Future<Long> failure : failures) {
				failed += failure.get(60, TimeUnit.SECONDS);
			}
			ReadReplicaRoutingDataSource.Status after = routing(this.jdbc).status();
			long reads = byHost.get(this.replicaHost).get() + byHost.get(this.primaryHost).get();
			System.out.printf("Read replica figures: replica stopped for 3 s under %d readers: %d read-only "
					+ "transactions, %d failed; %d on the replica, %d on the primary; %d fallbacks, %d first "
					+ "statements replayed on the primary; reads back on the replica %.2f s after it returned%n",
					readers, reads, failed, byHost.get(this.replicaHost).get(), byHost.get(this.primaryHost).get(),
					after.fallbacks() - before.fallbacks(), after.retries() - before.retries(),
					(firstReplicaReadAfterBack.get() - back.get()) / 1e9);
			assertThat(failed).isZero();
			assertThat(after.fallbacks()).isGreaterThan(before.fallbacks());
		}
		finally {
			running.set(false);
			threads.shutdownNow();
		}
	}

	private ConfigurableApplicationContext start(Class<?> application, String... extra) {
		Map<String, Object> properties = new LinkedHashMap<>(lakebase.get().springProperties());
		properties.put("lakebase.read-only.endpoint", REPLICA);
		// Short, so that the class runs in seconds: the retry window and the replica's wait.
		properties.put("lakebase.read-only.retry-after", "500ms");
		properties.put("lakebase.read-only.hikari.connection-timeout", "1000");
		properties.put("spring.datasource.hikari.maximum-pool-size", "6");
		properties.put("lakebase.read-only.hikari.maximum-pool-size", "6");
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("spring.main.banner-mode", "off");
		properties.put("management.health.lakebase.enabled", "false");
		for (String property : extra) {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return new SpringApplicationBuilder(application).properties(properties).run();
	}

	private HttpResponse<String> send(String method, ConfigurableApplicationContext context, String path)
			throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private void replicaDown(ConfigurableApplicationContext context) {
		lakebase.get().faults().hostDown(this.replicaHost, true);
		context.getBean("lakebaseReadOnlyDataSource", HikariDataSource.class)
			.getHikariPoolMXBean()
			.softEvictConnections();
	}

	private static ReadReplicaRoutingDataSource routing(ConfigurableApplicationContext context) {
		return AbstractLakebaseReadReplicaIT.routing(context);
	}

	private static String readOnly(ConfigurableApplicationContext context, String sql) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(true);
		return transaction.execute((status) -> context.getBean(JdbcClient.class).sql(sql).query(String.class).single());
	}

	private static String readWrite(ConfigurableApplicationContext context, String sql) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		return transaction.execute((status) -> context.getBean(JdbcClient.class).sql(sql).query(String.class).single());
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

}
