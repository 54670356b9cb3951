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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Threads that borrow a connection, run {@code SELECT 1} and return it, as fast as they can, each
 * timing how long {@code getConnection()} took. Optionally evicts every connection of the pool
 * at a fixed interval, which stands in for a short {@code maxLifetime} (Hikari allows no less
 * than 30 seconds).
 */
final class SelectOneLoad {

	private final int threads;

	SelectOneLoad(int threads) {
		this.threads = threads;
	}

	/**
	 * Loads a pool for a while.
	 * @param pool the pool
	 * @param duration how long to load it
	 * @param evictionInterval how often to evict every connection, or {@code null} for never
	 * @return the transactions and acquisition times
	 * @throws InterruptedException if interrupted
	 */
	LoadResult run(BenchmarkPool pool, Duration duration, @Nullable Duration evictionInterval)
			throws InterruptedException {
		return run(pool, duration, evictionInterval, null);
	}

	LoadResult run(BenchmarkPool pool, Duration duration, @Nullable Duration evictionInterval,
			@Nullable Duration borrowInterval) throws InterruptedException {
		ExecutorService workers = Executors.newFixedThreadPool(this.threads, named("benchmark-load"));
		ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor(named("benchmark-evictor"));
		try {
			CountDownLatch go = new CountDownLatch(1);
			long[] times = new long[2];
			long period = (borrowInterval != null) ? borrowInterval.toNanos() : 0;
			List<Future<Worker>> running = new ArrayList<>();
			for (int i = 0; i < this.threads; i++) {
				long offset = period * i / this.threads;
				running.add(workers.submit(() -> {
					go.await();
					return new Worker(pool.dataSource()).runUntil(times[0] + offset, period, times[1]);
				}));
			}
			long start = System.nanoTime();
			// The latch publishes the start and deadline to the workers.
			times[0] = start;
			times[1] = start + duration.toNanos();
			if (evictionInterval != null) {
				long interval = evictionInterval.toNanos();
				evictor.scheduleAtFixedRate(pool::evictAll, interval, interval, TimeUnit.NANOSECONDS);
			}
			go.countDown();
			List<Worker> finished = new ArrayList<>();
			for (Future<Worker> worker : running) {
				finished.add(worker.get());
			}
			return LoadResult.of(finished.stream().mapToLong((worker) -> worker.transactions).sum(),
					finished.stream().mapToLong((worker) -> worker.failures).sum(), duration,
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

	private static java.util.concurrent.ThreadFactory named(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * One load thread's loop and counts.
	 */
	private static final class Worker {

		private final DataSource dataSource;

		private long[] acquisitions = new long[4096];

		private int samples;

		private long transactions;

		private long failures;

		Worker(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		Worker runUntil(long first, long period, long deadline) {
			long next = first;
			while (true) {
				long begin;
				if (period > 0) {
					begin = next;
					next += period;
					long wait;
					while ((wait = begin - System.nanoTime()) > 0) {
						java.util.concurrent.locks.LockSupport.parkNanos(wait);
					}
				}
				else {
					begin = System.nanoTime();
				}
				if (begin - deadline >= 0) {
					return this;
				}
				try (Connection connection = this.dataSource.getConnection()) {
					record(System.nanoTime() - begin);
					try (Statement statement = connection.createStatement();
							ResultSet result = statement.executeQuery("SELECT 1")) {
						result.next();
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
