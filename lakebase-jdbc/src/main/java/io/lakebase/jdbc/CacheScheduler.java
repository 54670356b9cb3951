package io.lakebase.jdbc;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The time and threads of a {@link LakebaseCredentialCache}. Decisions use the monotonic clock
 * ({@link #nanoTime()}), so that a wall clock stepped by NTP or a suspended VM cannot make a
 * credential look fresher or older than it is; the wall clock only converts the workspace's expiry
 * and stamps what is shown to people. Tests substitute simulated time.
 */
abstract class CacheScheduler {

	/**
	 * Returns monotonic time, comparable only by subtraction.
	 * @return nanoseconds
	 */
	abstract long nanoTime();

	/**
	 * Returns the wall clock.
	 * @return the current instant
	 */
	abstract Instant now();

	/**
	 * Runs a short task after a delay, on the scheduler's thread.
	 * @param task the task
	 * @param delayNanos the delay
	 * @return what cancels the task
	 */
	abstract Runnable schedule(Runnable task, long delayNanos);

	/**
	 * Runs blocking work (one call to the credential API) on a thread of its own, so that a slow
	 * call never delays scheduled tasks such as its own timeout.
	 * @param task the task
	 */
	abstract void execute(Runnable task);

	/**
	 * Stops the threads, interrupting a running call.
	 */
	abstract void shutdown();

	/**
	 * Returns a scheduler on the system clocks with daemon threads of its own.
	 * @return the scheduler
	 */
	static CacheScheduler system() {
		return new SystemScheduler();
	}

	/**
	 * Returns a scheduler that runs on another one's threads and leaves them running when a cache
	 * closes it: for many caches (one per user) on two threads, stopped by their owner.
	 * @param shared the scheduler to run on
	 * @return the scheduler
	 */
	static CacheScheduler sharing(CacheScheduler shared) {
		return new CacheScheduler() {

			@Override
			long nanoTime() {
				return shared.nanoTime();
			}

			@Override
			Instant now() {
				return shared.now();
			}

			@Override
			Runnable schedule(Runnable task, long delayNanos) {
				return shared.schedule(task, delayNanos);
			}

			@Override
			void execute(Runnable task) {
				shared.execute(task);
			}

			@Override
			void shutdown() {
				// The owner of the shared scheduler stops it.
			}

		};
	}

	/**
	 * Returns a factory of daemon threads named with a prefix and a count, so that no thread of
	 * this library keeps a JVM alive.
	 * @param prefix the names' prefix
	 * @return the factory
	 */
	static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static final class SystemScheduler extends CacheScheduler {

		private final ScheduledThreadPoolExecutor timer;

		private final ExecutorService calls;

		SystemScheduler() {
			this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("lakebase-credential-refresh"));
			this.timer.setRemoveOnCancelPolicy(true);
			// Threads come and go with the calls: an idle cache holds only the timer thread.
			this.calls = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
					daemonThreads("lakebase-credential-fetch"));
		}

		@Override
		long nanoTime() {
			return System.nanoTime();
		}

		@Override
		Instant now() {
			return Instant.now();
		}

		@Override
		Runnable schedule(Runnable task, long delayNanos) {
			ScheduledFuture<?> future = this.timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
			return () -> future.cancel(false);
		}

		@Override
		void execute(Runnable task) {
			this.calls.execute(task);
		}

		@Override
		void shutdown() {
			this.timer.shutdownNow();
			this.calls.shutdownNow();
		}

	}

}
