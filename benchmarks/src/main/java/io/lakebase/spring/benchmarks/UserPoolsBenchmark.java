package io.lakebase.spring.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 9: connections on behalf of users ({@link LakebaseUserPools}), built on the starter's
 * resolver and workspace client as an application would. A known user's request (borrow,
 * {@code SELECT 1}, close) is timed against the same request on the service principal's own
 * pools; then a new user's first request, what it asks the workspace and how many logins it makes;
 * then the heap each idle user's pool keeps, against the heap of an idle connection of the service
 * principal.
 */
final class UserPoolsBenchmark {

	/**
	 * The user whose requests figures 9a and 9b time: their token has been seen before.
	 */
	static final Identity KNOWN_USER = Identity.user("known.user@example.com", "dapi-benchmark-known-user");

	// As the workspace issues users' OAuth tokens: longer than any run.
	private static final Duration USER_TOKEN_LIFETIME = Duration.ofHours(1);

	// Longer than any run, so that the pools of figure 9e are idle but still open when measured.
	private static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

	private final LocalLakebase lakebase;

	private final BenchmarkPools pools;

	private final ConnectionTarget target;

	private final CredentialMeter meter;

	private final RunPlan plan;

	UserPoolsBenchmark(LocalLakebase lakebase, BenchmarkPools pools, ConnectionTarget target, CredentialMeter meter,
			RunPlan plan) {
		this.lakebase = lakebase;
		this.pools = pools;
		this.target = target;
		this.meter = meter;
		this.plan = plan;
	}

	/**
	 * Returns the users the figure needs, each with workspace access and a Postgres role, to add
	 * to the local Lakebase before it starts: the known user, then the new ones.
	 * @param plan the plan of the run
	 * @return the users
	 */
	static List<Identity> users(RunPlan plan) {
		List<Identity> users = new ArrayList<>();
		users.add(KNOWN_USER);
		for (int i = 0; i < plan.newUsers(); i++) {
			users.add(newUser(i));
		}
		return users;
	}

	private static Identity newUser(int i) {
		return Identity.user("new.user" + i + "@example.com", "dapi-benchmark-new-user-" + i);
	}

	Result run() throws Exception {
		try (BenchmarkPool application = settled(this.pools.open(Variant.STARTER));
				BenchmarkPool physicalLimit = settled(this.pools.open(Variant.STATIC_PASSWORD));
				LakebaseUserPools users = userPools(application.context())) {
			String knownToken = this.lakebase.issueAccessToken(KNOWN_USER, USER_TOKEN_LIFETIME);
			// The known user's first request: their token is seen and their pool open from here on.
			request(() -> users.getConnection(knownToken));
			Map<Source, long[]> requests = requests(Map.of(Source.USER, () -> users.getConnection(knownToken),
					Source.APPLICATION, application.dataSource()::getConnection, Source.PHYSICAL_LIMIT,
					physicalLimit.dataSource()::getConnection));
			NewUsers newUsers = newUsers(users);
			return new Result(requests, newUsers, heapPerIdleConnection());
		}
	}

	private static BenchmarkPool settled(BenchmarkPool pool) throws SQLException {
		try {
			pool.dataSource().getConnection().close();
			pool.awaitSettled();
			return pool;
		}
		catch (SQLException | RuntimeException ex) {
			try {
				pool.close();
			}
			catch (Exception closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	/**
	 * The user pools as an application with the starter builds them: on its resolver and its
	 * workspace client (B's, resolved and holding its OAuth token), with the default pool size.
	 */
	private LakebaseUserPools userPools(ConfigurableApplicationContext application) {
		int users = this.plan.newUsers() + 1;
		return LakebaseUserPools
			.builder(application.getBean(LakebaseResolver.class), () -> application.getBean(WorkspaceClient.class))
			.idleTimeout(IDLE_TIMEOUT)
			// Caps above what the figure needs: no pool evicted, no connection closed to make room.
			.maxUsers(Math.max(LakebaseUserPools.DEFAULT_MAX_USERS, users))
			.maxConnections(Math.max(LakebaseUserPools.DEFAULT_MAX_CONNECTIONS,
					users * LakebaseUserPools.DEFAULT_MAX_POOL_SIZE))
			.build();
	}

	/**
	 * Times requests on one thread, the sources taking turns request by request in an order that
	 * rotates, so that a neighbour's load or a collection falls on all of them alike; after a
	 * warm-up that is not counted.
	 */
	private Map<Source, long[]> requests(Map<Source, ConnectionSource> sources) throws SQLException {
		serve(sources, this.plan.warmup(), new EnumMap<>(Source.class));
		Map<Source, Samples> samples = new EnumMap<>(Source.class);
		serve(sources, this.plan.requestTime(), samples);
		Map<Source, long[]> nanos = new EnumMap<>(Source.class);
		samples.forEach((source, taken) -> nanos.put(source, taken.toArray()));
		return nanos;
	}

	private static void serve(Map<Source, ConnectionSource> sources, Duration duration, Map<Source, Samples> into)
			throws SQLException {
		List<Source> order = new ArrayList<>(List.of(Source.values()));
		long deadline = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() - deadline < 0) {
			for (Source source : order) {
				long begin = System.nanoTime();
				request(sources.get(source));
				into.computeIfAbsent(source, (key) -> new Samples()).add(System.nanoTime() - begin);
			}
			Collections.rotate(order, 1);
		}
	}

	/**
	 * Figures 9c to 9e: the first request of each new user, one after the other, with the heap
	 * in use before and after. Their tokens are issued first, so that the local Lakebase's record
	 * of them is not counted.
	 */
	private NewUsers newUsers(LakebaseUserPools users) throws Exception {
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < this.plan.newUsers(); i++) {
			tokens.add(this.lakebase.issueAccessToken(newUser(i), USER_TOKEN_LIFETIME));
		}
		long[] firstRequests = new long[tokens.size()];
		long heapBefore = HeapBenchmark.usedHeapAfterCollections();
		LakebaseUserPools.Status before = users.status();
		CredentialCount count = this.meter.measure(() -> {
			for (int i = 0; i < tokens.size(); i++) {
				String token = tokens.get(i);
				long begin = System.nanoTime();
				request(() -> users.getConnection(token));
				firstRequests[i] = System.nanoTime() - begin;
			}
		});
		LakebaseUserPools.Status after = users.status();
		long heapAfter = HeapBenchmark.usedHeapAfterCollections();
		if (after.usersPooled() != before.usersPooled() + tokens.size()) {
			throw new IllegalStateException("Expected " + tokens.size() + " more users pooled, idle but open; "
					+ "the pools had " + before.usersPooled() + " users before and " + after.usersPooled() + " after");
		}
		return new NewUsers(firstRequests, after.identityLookups() - before.identityLookups(),
				after.credentialCalls() - before.credentialCalls(), count.calls(), count.logins(),
				(heapAfter - heapBefore) / tokens.size());
	}

	/**
	 * Figure 9e's yardstick: the heap an idle connection of the service principal keeps, in a
	 * pool like C's holding as many connections as figure 9e has idle users. It includes the
	 * local Lakebase's own end of the connection, which each user's connection also has.
	 */
	private long heapPerIdleConnection() throws Exception {
		int connections = this.plan.newUsers();
		long before = HeapBenchmark.usedHeapAfterCollections();
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.target.jdbcUrl());
		dataSource.setUsername(this.target.username());
		dataSource.setPassword(this.target.staticPassword());
		dataSource.setPoolName(Variant.STATIC_PASSWORD.poolName() + "-idle");
		dataSource.setMaximumPoolSize(connections);
		dataSource.setMaxLifetime(GuidePattern.MAX_LIFETIME.toMillis());
		try (BenchmarkPool pool = settled(new BenchmarkPool(dataSource, dataSource))) {
			long after = HeapBenchmark.usedHeapAfterCollections();
			return (after - before) / connections;
		}
	}

	/**
	 * One request as a web request makes it: borrow, {@code SELECT 1}, close.
	 */
	private static void request(ConnectionSource source) throws SQLException {
		try (Connection connection = source.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			if (!result.next()) {
				throw new IllegalStateException("SELECT 1 returned no row");
			}
		}
	}

	/**
	 * Where a request borrows its connection.
	 */
	enum Source {

		/** The known user's pool, through {@code LakebaseUserPools.getConnection(token)}. */
		USER,

		/** The service principal's pool as the starter configures it (B's). */
		APPLICATION,

		/** The service principal's pool with a static password (C's). */
		PHYSICAL_LIMIT

	}

	@FunctionalInterface
	private interface ConnectionSource {

		Connection getConnection() throws SQLException;

	}

	/**
	 * Timings in nanoseconds, in a growing array.
	 */
	private static final class Samples {

		private long[] nanos = new long[4096];

		private int size;

		void add(long sample) {
			if (this.size == this.nanos.length) {
				this.nanos = Arrays.copyOf(this.nanos, this.size * 2);
			}
			this.nanos[this.size++] = sample;
		}

		long[] toArray() {
			return Arrays.copyOf(this.nanos, this.size);
		}

	}

	/**
	 * The first requests of new users.
	 *
	 * @param firstRequestNanos how long each new user's first request took, in nanoseconds
	 * @param identityLookups lookups of whom a token belongs to, as the user pools count them
	 * @param credentialCalls credential API calls, as the user pools count them
	 * @param credentialRequests credential API calls, as the local Lakebase counts them
	 * @param logins logins the local Lakebase accepted
	 * @param heapPerIdleUser heap in use after the first requests less before, per user, in bytes
	 */
	record NewUsers(long[] firstRequestNanos, long identityLookups, long credentialCalls, long credentialRequests,
			long logins, long heapPerIdleUser) {

		int users() {
			return this.firstRequestNanos.length;
		}

		Duration firstRequest(double percent) {
			return Percentiles.of(this.firstRequestNanos, percent);
		}

		/**
		 * Returns a count per new user.
		 * @param count the count over all new users
		 * @return the count per user
		 */
		double perUser(long count) {
			return (double) count / users();
		}

	}

	/**
	 * What figure 9 measured.
	 *
	 * @param requestNanos the time of each counted request, in nanoseconds, by source
	 * @param newUsers the first requests of new users
	 * @param heapPerIdleConnection the heap an idle connection of the service principal keeps, in
	 * bytes
	 */
	record Result(Map<Source, long[]> requestNanos, NewUsers newUsers, long heapPerIdleConnection) {

		Duration request(Source source, double percent) {
			return Percentiles.of(this.requestNanos.get(source), percent);
		}

		int requests(Source source) {
			return this.requestNanos.get(source).length;
		}

	}

}
