package io.lakebase.spring.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The machine and JVM a run was made on, as the results header shows them.
 *
 * @param os the operating system name and version
 * @param arch the architecture
 * @param cores the processors available to the JVM
 * @param cpuModel the CPU model, when the system tells it
 * @param jvm the JVM name and version
 * @param garbageCollectors the garbage collectors in use
 * @param maxHeapBytes the maximum heap
 * @param loadAverage the one-minute system load average when the run started, negative if unknown
 */
record MachineDescription(String os, String arch, int cores, @Nullable String cpuModel, String jvm,
		String garbageCollectors, long maxHeapBytes, double loadAverage) {

	static MachineDescription current() {
		Runtime runtime = Runtime.getRuntime();
		String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vm.vendor") + ")";
		String collectors = ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map(GarbageCollectorMXBean::getName)
			.collect(Collectors.joining(", "));
		return new MachineDescription(System.getProperty("os.name") + " " + System.getProperty("os.version"),
				System.getProperty("os.arch"), runtime.availableProcessors(), readCpuModel(), jvm, collectors,
				runtime.maxMemory(), currentLoadAverage());
	}

	static double currentLoadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	/**
	 * Describes the machine, with the load other processes put on it during the run: figures from
	 * a busy machine are noisier.
	 * @param loadAverageAtEnd the load average when the run ended
	 * @return the description
	 */
	String describe(double loadAverageAtEnd) {
		String cpu = (this.cpuModel != null) ? ", " + this.cpuModel : "";
		String load = (this.loadAverage >= 0 && loadAverageAtEnd >= 0) ? String.format(Locale.ROOT,
				"; one-minute load average %.2f at start, %.2f at end", this.loadAverage, loadAverageAtEnd) : "";
		return this.os + " " + this.arch + ", " + this.cores + " cores" + cpu + load;
	}

	String describeJvm() {
		return this.jvm + ", " + this.garbageCollectors + ", max heap "
				+ String.format(Locale.ROOT, "%,d MiB", this.maxHeapBytes / (1024 * 1024));
	}

	private static @Nullable String readCpuModel() {
		Path cpuInfo = Path.of("/proc/cpuinfo");
		if (!Files.isReadable(cpuInfo)) {
			return null;
		}
		try (Stream<String> lines = Files.lines(cpuInfo)) {
			return lines.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(null);
		}
		catch (IOException ex) {
			// Only a description: a run without the CPU model is still a run.
			return null;
		}
	}

}
