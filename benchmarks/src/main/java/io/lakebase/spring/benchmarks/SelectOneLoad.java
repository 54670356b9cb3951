package io.lakebase.spring.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Threads that borrow a connection, run {@code SELECT 1}, optionally keep the connection a while,
 * and return it, again and again, each timing how long {@code getConnection()} took. Optionally
 * evicts every connection of the pool at a fixed interval, which stands in for a short
 * {@code maxLifetime} (Hikari allows no less than 30 seconds).
 */
final class SelectOneLoad {

	private final int threads;

	SelectOneLoad(int threads) {
		this.threads = threads;
	}

	/**
	 * Loads a pool as fast as the threads can go.
	 * @param pool the pool
	 * @param duration how long to load it
	 * @return the transactions and acquisition times
	 * @throws InterruptedException if interrupted
	 */
	LoadResult run(BenchmarkPool pool, Duration duration) throws InterruptedException {
		return run(pool, duration, null, Duration.ZERO);
	}

	/**
	 * Loads a pool for a while.
	 * @param pool the pool
	 * @param duration how long to load it
	 * @param evictionInterval how often to evict every connection, or {@code null} for never
	 * @param hold how long each thread keeps its connection after the query
	 * @return the transactions and acquisition times
	 * @throws InterruptedException if interrupted
	 */
	LoadResult run(BenchmarkPool pool, Duration duration, @Nullable Duration evictionInterval, Duration hold)
			throws InterruptedException {
		ExecutorService workers = Executors.newFixedThreadPool(this.threads, daemons("benchmark-load"));
		ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor(daemons("benchmark-evictor"));
		try {
			CountDownLatch go = new CountDownLatch(1);
			long[] deadline = new long[1];
			List<Future<Worker>> running = new ArrayList<>();
			for (int i = 0; i < this.threads; i++) {
				running.add(workers.submit(() -> {
					go.await();
					return new Worker(pool.dataSource(), hold.toMillis()).runUntil(deadline[0]);
				}));
			}
			// The latch publishes the deadline to the workers.
			deadline[0] = System.nanoTime() + duration.toNanos();
			if (evictionInterval != null) {
				// From the start, so that a load of whole intervals is the same periodic churn throughout.
				long interval = evictionInterval.toNanos();
				evictor.scheduleAtFixedRate(pool::evictAll, 0, interval, TimeUnit.NANOSECONDS);
			}
			go.countDown();
			List<Worker> finished = new ArrayList<>();
			for (Future<Worker> worker : running) {
				finished.add(worker.get());
			}
			return LoadResult.of(finished.stream().mapToLong(Worker::transactions).sum(),
					finished.stream().mapToLong(Worker::failures).sum(), duration,
					finished.stream().map(Worker::acquisitionNanos).toList());
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A load thread failed", ex.getCause());
		}
		finally {
			evictor.shutdownNow();
			workers.shutdownNow();
			evictor.awaitTermination(10, TimeUnit.SECONDS);
			workers.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	private static ThreadFactory daemons(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * One load thread: its loop and what it counted.
	 */
	private static final class Worker {

		private final DataSource dataSource;

		private final long holdMillis;

		private long[] acquisitions = new long[4096];

		private int samples;

		private long transactions;

		private long failures;

		Worker(DataSource dataSource, long holdMillis) {
			this.dataSource = dataSource;
			this.holdMillis = holdMillis;
		}

		Worker runUntil(long deadline) throws InterruptedException {
			while (true) {
				long begin = System.nanoTime();
				if (begin - deadline >= 0) {
					return this;
				}
				try (Connection connection = this.dataSource.getConnection()) {
					record(System.nanoTime() - begin);
					try (Statement statement = connection.createStatement();
							ResultSet result = statement.executeQuery("SELECT 1")) {
						result.next();
					}
					if (this.holdMillis > 0) {
						Thread.sleep(this.holdMillis);
					}
				}
				catch (SQLException ex) {
					this.failures++;
					continue;
				}
				if (System.nanoTime() - deadline <= 0) {
					this.transactions++;
				}
			}
		}

		long transactions() {
			return this.transactions;
		}

		long failures() {
			return this.failures;
		}

		long[] acquisitionNanos() {
			return Arrays.copyOf(this.acquisitions, this.samples);
		}

		private void record(long nanos) {
			if (this.samples == this.acquisitions.length) {
				this.acquisitions = Arrays.copyOf(this.acquisitions, this.samples * 2);
			}
			this.acquisitions[this.samples++] = nanos;
		}

	}

}
