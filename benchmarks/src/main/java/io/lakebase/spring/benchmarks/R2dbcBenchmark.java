package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.local.Stats;
import io.lakebase.r2dbc.LakebaseR2dbc;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Figure 8: R2DBC. The starter's connection factory (the r2dbc-postgresql driver on
 * {@link LakebaseR2dbc}'s options, decorated by it, under r2dbc-pool: what Boot's R2DBC
 * auto-configuration assembles with the starter) against the same pool on the same driver with
 * a static password. Both pools hold {@link RunPlan#poolSize()} connections; first their
 * connections are renewed every 200 ms under load (credential calls per new connection), then
 * {@code SELECT 1} runs through each in turn (transactions per second, median round).
 */
final class R2dbcBenchmark {

	private static final Duration CHURN_LIFETIME = Duration.ofMillis(200);

	private static final Duration MINIMUM_CHURN = Duration.ofSeconds(3);

	private final ConnectionTarget target;

	private final Stats stats;

	private final RunPlan plan;

	R2dbcBenchmark(ConnectionTarget target, Stats stats, RunPlan plan) {
		this.target = target;
		this.stats = stats;
		this.plan = plan;
	}

	Result run() {
		Map<Variant, CredentialCount> churn = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> rounds = new EnumMap<>(Variant.class);
		WorkspaceClient client = workspaceClient();
		LakebaseResolver resolver = new LakebaseResolver(settings(), () -> client);
		try (LakebaseCredentialCache credentials = LakebaseCredentialCache
			.builder(LakebaseCredentialSource.forTarget(resolver.target(), () -> client,
					LakebaseCredentialSource.MAXIMUM_LIFETIME))
			.build()) {
			ConnectionFactory starter = LakebaseR2dbc.connectionFactory(
					ConnectionFactories.get(LakebaseR2dbc.options(resolver, credentials)), resolver, credentials);
			ConnectionFactory staticPassword = ConnectionFactories.get(staticOptions());
			Map<Variant, ConnectionFactory> factories = Map.of(Variant.STARTER, starter, Variant.STATIC_PASSWORD,
					staticPassword);
			for (Variant variant : List.of(Variant.STARTER, Variant.STATIC_PASSWORD)) {
				ConnectionPool pool = pool(factories.get(variant), CHURN_LIFETIME);
				try {
					long calls = this.stats.credentialRequests();
					long logins = this.stats.loginsAccepted();
					load(pool, churnTime());
					churn.put(variant, new CredentialCount(this.stats.credentialRequests() - calls,
							this.stats.loginsAccepted() - logins));
				}
				finally {
					pool.dispose();
				}
			}
			Map<Variant, ConnectionPool> pools = new EnumMap<>(Variant.class);
			factories.forEach((variant, factory) -> pools.put(variant, pool(factory, Duration.ofMinutes(45))));
			try {
				pools.values().forEach((pool) -> load(pool, this.plan.warmup()));
				for (int round = 0; round < this.plan.throughputRounds(); round++) {
					List<Variant> order = (round % 2 == 0) ? List.of(Variant.STARTER, Variant.STATIC_PASSWORD)
							: List.of(Variant.STATIC_PASSWORD, Variant.STARTER);
					for (Variant variant : order) {
						long queries = load(pools.get(variant), this.plan.throughputSlice());
						rounds.computeIfAbsent(variant, (key) -> new ArrayList<>())
							.add(queries * 1e9 / this.plan.throughputSlice().toNanos());
					}
				}
			}
			finally {
				pools.values().forEach(ConnectionPool::dispose);
			}
		}
		return new Result(churn, rounds);
	}

	// Long enough for many renewals of every connection, even in a smoke run.
	Duration churnTime() {
		Duration planned = this.plan.churnSlice().multipliedBy(this.plan.churnRounds());
		return (planned.compareTo(MINIMUM_CHURN) < 0) ? MINIMUM_CHURN : planned;
	}

	// Queries SELECT 1 from plan.threads() concurrent flows until the time is up.
	private long load(ConnectionPool pool, Duration time) {
		AtomicLong queries = new AtomicLong();
		long deadline = System.nanoTime() + time.toNanos();
		Flux.range(0, this.plan.threads())
			.flatMap((flow) -> Mono.usingWhen(pool.create(),
					(connection) -> Mono.from(connection.createStatement("SELECT 1").execute())
						.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0)))),
					Connection::close)
				.doOnNext((value) -> queries.incrementAndGet())
				.repeat(() -> System.nanoTime() < deadline)
				.then())
			.blockLast(time.plusMinutes(1));
		return queries.get();
	}

	private ConnectionPool pool(ConnectionFactory factory, Duration maxLifeTime) {
		return new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
			.initialSize(this.plan.poolSize())
			.maxSize(this.plan.poolSize())
			.maxLifeTime(maxLifeTime)
			.maxAcquireTime(Duration.ofSeconds(30))
			.build());
	}

	private WorkspaceClient workspaceClient() {
		return new WorkspaceClient(new DatabricksConfig().setHost(this.target.workspaceUrl())
			.setClientId(this.target.username())
			.setClientSecret(this.target.clientSecret()));
	}

	private LakebaseConnectionSettings settings() {
		return LakebaseConnectionSettings.builder(LakebaseTarget.endpoint(this.target.endpoint()))
			.port(this.target.port())
			.database(this.target.database())
			.sslRootCert(this.target.rootCert())
			.build();
	}

	private ConnectionFactoryOptions staticOptions() {
		return ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, LakebaseR2dbc.DRIVER)
			.option(ConnectionFactoryOptions.HOST, this.target.host())
			.option(ConnectionFactoryOptions.PORT, this.target.port())
			.option(ConnectionFactoryOptions.DATABASE, this.target.database())
			.option(ConnectionFactoryOptions.USER, this.target.username())
			.option(ConnectionFactoryOptions.PASSWORD, this.target.staticPassword())
			.option(io.r2dbc.spi.Option.valueOf("sslMode"), ConnectionTarget.SSL_MODE)
			.option(io.r2dbc.spi.Option.valueOf("sslRootCert"), this.target.rootCert())
			.build();
	}

	/**
	 * What figure 8 measured.
	 *
	 * @param churn credential calls and logins of each variant while its connections were renewed
	 * @param rounds transactions per second of each round, per variant
	 */
	record Result(Map<Variant, CredentialCount> churn, Map<Variant, List<Double>> rounds) {

		double medianTransactionsPerSecond(Variant variant) {
			List<Double> sorted = rounds.get(variant).stream().sorted().toList();
			return sorted.get(sorted.size() / 2);
		}

	}

}
