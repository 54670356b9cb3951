package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Simulated time for the credential cache: the test moves the monotonic clock with
 * {@link #advance(Duration)}, which runs every task that falls due on the way, in order, on the
 * test's thread. The wall clock follows the monotonic one plus a skew the test can step, as NTP or
 * a wrong clock would. Calls to the credential API run on the calling thread, or on real threads
 * when a test needs a call that blocks.
 */
final class SimulatedScheduler extends CacheScheduler {

	private static final Instant WALL_START = Instant.parse("2026-12-01T10:00:00Z");

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private final ExecutorService callThreads;

	private long nanos = 1_000_000_000L;

	private final long startNanos = this.nanos;

	private Duration wallSkew = Duration.ZERO;

	private long sequence;

	private boolean shutDown;

	private SimulatedScheduler(ExecutorService callThreads) {
		this.callThreads = callThreads;
	}

	/**
	 * Calls run on the thread that starts them: everything happens inside the test's own calls.
	 */
	static SimulatedScheduler inline() {
		return new SimulatedScheduler(null);
	}

	/**
	 * Calls run on real threads, for sources that block.
	 */
	static SimulatedScheduler withCallThreads() {
		return new SimulatedScheduler(Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "simulated-credential-fetch");
			thread.setDaemon(true);
			return thread;
		}));
	}

	@Override
	synchronized long nanoTime() {
		return this.nanos;
	}

	@Override
	synchronized Instant now() {
		return serverNow().plus(this.wallSkew);
	}

	/**
	 * Returns the time of the workspace: the monotonic clock without the local skew.
	 */
	synchronized Instant serverNow() {
		return WALL_START.plusNanos(this.nanos - this.startNanos);
	}

	/**
	 * Returns how much simulated time has passed.
	 */
	synchronized Duration elapsed() {
		return Duration.ofNanos(this.nanos - this.startNanos);
	}

	@Override
	synchronized Runnable schedule(Runnable task, long delayNanos) {
		Task scheduled = new Task(this.nanos + Math.max(0, delayNanos), this.sequence++, task);
		this.tasks.add(scheduled);
		return () -> scheduled.cancelled = true;
	}

	@Override
	void execute(Runnable task) {
		if (this.callThreads != null) {
			this.callThreads.execute(task);
		}
		else {
			task.run();
		}
	}

	@Override
	synchronized void shutdown() {
		this.shutDown = true;
		this.tasks.clear();
		if (this.callThreads != null) {
			this.callThreads.shutdownNow();
		}
	}

	synchronized boolean isShutDown() {
		return this.shutDown;
	}

	/**
	 * Moves the wall clock without moving the monotonic one, as a clock step does.
	 */
	synchronized void stepWallClock(Duration step) {
		this.wallSkew = this.wallSkew.plus(step);
	}

	/**
	 * Moves time forward without running the tasks that fall due, as a suspended JVM does: they
	 * run late, at the next {@link #advance(Duration)}.
	 */
	synchronized void jump(Duration duration) {
		this.nanos += duration.toNanos();
	}

	/**
	 * Moves time forward, running every task due on the way at its own time.
	 */
	void advance(Duration duration) {
		long target;
		synchronized (this) {
			target = this.nanos + duration.toNanos();
		}
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.due - target > 0) {
					this.nanos = target;
					return;
				}
				this.tasks.poll();
				this.nanos = Math.max(this.nanos, next.due);
			}
			if (!next.cancelled) {
				next.task.run();
			}
		}
	}

	private static final class Task implements Comparable<Task> {

		private final long due;

		private final long sequence;

		private final Runnable task;

		private volatile boolean cancelled;

		Task(long due, long sequence, Runnable task) {
			this.due = due;
			this.sequence = sequence;
			this.task = task;
		}

		@Override
		public int compareTo(Task other) {
			int byDue = Long.compare(this.due, other.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

}
