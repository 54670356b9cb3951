package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import org.awaitility.Awaitility;

/**
 * What the resilience and rotation scenarios share: a plain-Java {@link LakebaseDataSource} on a
 * local Lakebase, workers running an operation until a deadline (optionally with the pool evicted at
 * an interval, as a short {@code maxLifetime} would), and the figures line each scenario prints for
 * docs/RELIABILITY.md.
 */
final class ScenarioLoad {

	/**
	 * The pause of each worker between operations. The scenarios prove behaviour under concurrency
	 * (at rotations, evictions, outages), not throughput, which the benchmarks measure: paced
	 * workers leave the CPU to the logins, the emulator and the rest of the build.
	 */
	static final Duration PACE = Duration.ofMillis(10);

	private ScenarioLoad() {
	}

	static LakebaseDataSource dataSource(LocalLakebase target, Consumer<HikariConfig> pool) {
		return dataSource(target, pool, (credentials) -> {
		});
	}

	static LakebaseDataSource dataSource(LocalLakebase target, Consumer<HikariConfig> pool,
			Consumer<LakebaseCredentialCache.Builder> credentials) {
		return dataSource(target, target.defaultIdentity(), pool, credentials);
	}

	static LakebaseDataSource dataSource(LocalLakebase target, Identity identity, Consumer<HikariConfig> pool,
			Consumer<LakebaseCredentialCache.Builder> credentials) {
		DatabricksConfig workspace = new DatabricksConfig().setHost(target.workspaceUrl());
		if (identity.isServicePrincipal()) {
			workspace.setClientId(identity.name()).setClientSecret(identity.secret());
		}
		else {
			workspace.setToken(identity.secret());
		}
		return LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(workspace)
			.settings((settings) -> settings.port(target.port()).sslRootCert(target.caCertificate().toString()))
			.credentials(credentials)
			.pool(pool)
			.build();
	}

	static String whoAmI(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user")) {
			result.next();
			return result.getString(1);
		}
	}

	/**
	 * The shortest time from one credential to its background refresh: the half-life window less
	 * the largest jitter, a fifth of the window.
	 */
	static Duration earliestRefresh(Duration lifetime) {
		Duration window = lifetime.dividedBy(2);
		return lifetime.minus(window).minus(window.dividedBy(5));
	}

	/** Starts a scenario just after a refresh, so that its timeline is known. */
	static LakebaseCredential awaitFreshCredential(LakebaseCredentialCache cache) {
		Instant first = cache.get().expiresAt();
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cache.status().expiresAt().isAfter(first));
		return cache.get();
	}

	static void awaitNewConnection(HikariDataSource dataSource) {
		Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				return whoAmI(dataSource) != null;
			}
			catch (Exception ex) {
				return false;
			}
		});
	}

	static void sleepUntil(Instant time) throws InterruptedException {
		long millis = Duration.between(Instant.now(), time).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}

	static String causes(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	static void figures(String format, Object... arguments) {
		System.out.println("Resilience figures: " + String.format(format, arguments));
	}

	@FunctionalInterface
	interface Operation {

		Object run(DataSource dataSource) throws Exception;

	}

	/**
	 * Workers running an operation until a deadline, counting operations, failures (the first kept,
	 * to be shown when a scenario fails) and physical logins, and timing every acquisition.
	 */
	record Load(long operations, long failures, Exception firstFailure, long logins, long[] acquisitionNanos,
			Instant firstSuccess, Instant lastSuccess) {

		static Load run(LocalLakebase target, int workers, Instant end, HikariDataSource dataSource,
				Operation operation, Duration evictEvery) throws Exception {
			long loginsBefore = target.stats().loginsAccepted();
			AtomicLong operations = new AtomicLong();
			AtomicLong failures = new AtomicLong();
			AtomicReference<Exception> firstFailure = new AtomicReference<>();
			Queue<Long> acquisitions = new ConcurrentLinkedQueue<>();
			AtomicReference<Instant> firstSuccess = new AtomicReference<>(Instant.MAX);
			AtomicReference<Instant> lastSuccess = new AtomicReference<>(Instant.MIN);
			DataSource timed = new TimedDataSource(dataSource, acquisitions);
			ExecutorService executor = Executors.newFixedThreadPool(workers + 1);
			try {
				List<Future<?>> running = new ArrayList<>();
				for (int i = 0; i < workers; i++) {
					running.add(executor.submit(() -> {
						while (Instant.now().isBefore(end)) {
							try {
								operation.run(timed);
								operations.incrementAndGet();
								Instant now = Instant.now();
								firstSuccess.compareAndSet(Instant.MAX, now);
								lastSuccess.set(now);
							}
							catch (Exception ex) {
								firstFailure.compareAndSet(null, ex);
								failures.incrementAndGet();
							}
							Thread.sleep(PACE.toMillis());
						}
						return null;
					}));
				}
				Future<?> evictions = null;
				if (evictEvery != null) {
					evictions = executor.submit(() -> {
						// The lifetimes count from the first connection: on a loaded machine the
						// pool may start seconds after the workers do, and has no MXBean until then.
						while (firstSuccess.get() == Instant.MAX && Instant.now().isBefore(end)) {
							Thread.sleep(PACE.toMillis());
						}
						while (Instant.now().plus(evictEvery).isBefore(end)) {
							Thread.sleep(evictEvery.toMillis());
							dataSource.getHikariPoolMXBean().softEvictConnections();
						}
						return null;
					});
				}
				for (Future<?> worker : running) {
					worker.get(Duration.between(Instant.now(), end).getSeconds() + 60, TimeUnit.SECONDS);
				}
				if (evictions != null) {
					// An eviction that failed is the scenario's failure, not a silent one.
					evictions.get(Duration.between(Instant.now(), end).getSeconds() + 60, TimeUnit.SECONDS);
				}
			}
			finally {
				executor.shutdownNow();
			}
			long[] nanos = acquisitions.stream().mapToLong(Long::longValue).sorted().toArray();
			return new Load(operations.get(), failures.get(), firstFailure.get(),
					target.stats().loginsAccepted() - loginsBefore, nanos, firstSuccess.get(), lastSuccess.get());
		}

		/** For an assertion's description: the count and the first failure's causes. */
		String failed() {
			return this.failures + " failed" + ((this.firstFailure != null) ? ", the first: " + causes(this.firstFailure) : "");
		}

		Duration longestAcquisition() {
			return (this.acquisitionNanos.length == 0) ? Duration.ZERO
					: Duration.ofNanos(this.acquisitionNanos[this.acquisitionNanos.length - 1]);
		}

		Duration acquisitionPercentile(int percentile) {
			if (this.acquisitionNanos.length == 0) {
				return Duration.ZERO;
			}
			int rank = (int) Math.ceil(percentile / 100.0 * this.acquisitionNanos.length) - 1;
			return Duration.ofNanos(this.acquisitionNanos[Math.max(0, rank)]);
		}

	}

	/**
	 * Times every connection acquisition.
	 */
	private static final class TimedDataSource implements DataSource {

		private final DataSource target;

		private final Queue<Long> acquisitionNanos;

		TimedDataSource(DataSource target, Queue<Long> acquisitionNanos) {
			this.target = target;
			this.acquisitionNanos = acquisitionNanos;
		}

		@Override
		public Connection getConnection() throws SQLException {
			long start = System.nanoTime();
			Connection connection = this.target.getConnection();
			this.acquisitionNanos.add(System.nanoTime() - start);
			return connection;
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			throw new SQLFeatureNotSupportedException("The scenarios use the pool's own credentials");
		}

		@Override
		public PrintWriter getLogWriter() throws SQLException {
			return this.target.getLogWriter();
		}

		@Override
		public void setLogWriter(PrintWriter out) throws SQLException {
			this.target.setLogWriter(out);
		}

		@Override
		public void setLoginTimeout(int seconds) throws SQLException {
			this.target.setLoginTimeout(seconds);
		}

		@Override
		public int getLoginTimeout() throws SQLException {
			return this.target.getLoginTimeout();
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			return this.target.getParentLogger();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			return this.target.unwrap(type);
		}

		@Override
		public boolean isWrapperFor(Class<?> type) throws SQLException {
			return this.target.isWrapperFor(type);
		}

	}

}
