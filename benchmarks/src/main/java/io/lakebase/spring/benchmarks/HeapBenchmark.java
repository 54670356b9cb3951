package io.lakebase.spring.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 6: the heap each variant's Spring Boot application retains, measured as the heap in use
 * after full collections with several contexts of the variant open, less the heap in use before
 * they were started, per context. Pools are not started, so no connection buffers count. The
 * starter's beans retain the difference between B and C.
 */
final class HeapBenchmark {

	private static final int COLLECTIONS = 4;

	private final BenchmarkApplications applications;

	private final RunPlan plan;

	HeapBenchmark(BenchmarkApplications applications, RunPlan plan) {
		this.applications = applications;
		this.plan = plan;
	}

	Map<Variant, Long> run() throws InterruptedException {
		Map<Variant, Long> retained = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			long before = usedHeapAfterCollections();
			List<ConfigurableApplicationContext> contexts = new ArrayList<>();
			try {
				for (int i = 0; i < this.plan.heapContexts(); i++) {
					contexts.add(this.applications.start(variant));
				}
				long after = usedHeapAfterCollections();
				retained.put(variant, (after - before) / contexts.size());
			}
			finally {
				contexts.forEach(ConfigurableApplicationContext::close);
			}
		}
		return retained;
	}

	/**
	 * Returns the least heap in use over a few full collections: other threads allocate a little
	 * between a collection and the reading.
	 */
	static long usedHeapAfterCollections() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long least = Long.MAX_VALUE;
		for (int i = 0; i < COLLECTIONS; i++) {
			System.gc();
			Thread.sleep(50);
			least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
		}
		return least;
	}

}
