package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One Hikari pool of the harness, with what must be closed along with it (for the starter, its
 * Spring context). The pool starts on the first {@code getConnection()}; messages name it by its
 * pool name, which says its variant.
 */
final class BenchmarkPool implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final HikariDataSource dataSource;

	private final AutoCloseable owner;

	private final long openedAt = System.nanoTime();

	BenchmarkPool(HikariDataSource dataSource, AutoCloseable owner) {
		this.dataSource = dataSource;
		this.owner = owner;
	}

	HikariDataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Returns the Spring context that owns this pool (the starter's).
	 * @return the context
	 */
	ConfigurableApplicationContext context() {
		if (this.owner instanceof ConfigurableApplicationContext context) {
			return context;
		}
		throw new IllegalStateException("The pool " + this.dataSource.getPoolName() + " has no Spring context");
	}

	Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.openedAt);
	}

	int totalConnections() {
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		return (pool != null) ? pool.getTotalConnections() : 0;
	}

	/**
	 * Closes every idle connection now and every borrowed one when it is returned; the pool opens
	 * new ones in their place, as it does when connections reach their {@code maxLifetime}.
	 */
	void evictAll() {
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		if (pool != null) {
			pool.softEvictConnections();
		}
	}

	/**
	 * Waits until the pool holds its full size.
	 */
	void awaitFull() {
		int size = this.dataSource.getMaximumPoolSize();
		await(() -> totalConnections() >= size, "to hold " + size + " connections");
	}

	/**
	 * Waits until the pool holds its full size and every connection is idle: no connection is
	 * being replaced any more.
	 */
	void awaitSettled() {
		int size = this.dataSource.getMaximumPoolSize();
		await(() -> {
			HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
			return pool != null && pool.getTotalConnections() == size && pool.getIdleConnections() == size;
		}, "to settle at " + size + " idle connections");
	}

	@Override
	public void close() throws Exception {
		this.owner.close();
	}

	private void await(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Pool " + this.dataSource.getPoolName() + " failed " + what + " within "
						+ TIMEOUT.toSeconds() + " s (it has " + totalConnections() + ")");
			}
			sleepBriefly();
		}
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
