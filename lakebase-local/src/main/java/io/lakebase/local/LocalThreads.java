package io.lakebase.local;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with readable names, so that the emulator never keeps a JVM alive.
 */
final class LocalThreads {

	private LocalThreads() {
	}

	static ThreadFactory factory(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
