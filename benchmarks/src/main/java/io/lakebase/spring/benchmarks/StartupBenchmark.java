package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.lakebase.local.Stats;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 5: how long each variant's Spring Boot application takes to start in a warm JVM, without
 * filling its pool. The variants take turns; a start that opens a connection fails the run, since
 * its time would include a login.
 */
final class StartupBenchmark {

	private final BenchmarkApplications applications;

	private final Stats stats;

	private final List<String> workspacePaths;

	private final RunPlan plan;

	StartupBenchmark(BenchmarkApplications applications, Stats stats, String endpoint, RunPlan plan) {
		this.applications = applications;
		this.stats = stats;
		// Everything the Databricks SDK may ask the workspace while a context starts.
		this.workspacePaths = List.of("/.well-known/databricks-config", "/oidc/.well-known/oauth-authorization-server",
				"/oidc/v1/token", "/api/2.0/postgres/" + endpoint, "/api/2.0/preview/scim/v2/Me");
		this.plan = plan;
	}

	Result run() {
		Map<Variant, List<Duration>> starts = new EnumMap<>(Variant.class);
		Map<Variant, Long> requests = new EnumMap<>(Variant.class);
		for (int iteration = 0; iteration < this.plan.startupWarmups() + this.plan.startupIterations(); iteration++) {
			for (Variant variant : Variant.inTurn(iteration)) {
				long loginsBefore = this.stats.loginsAccepted();
				long requestsBefore = workspaceRequests();
				long start = System.nanoTime();
				try (ConfigurableApplicationContext context = this.applications.start(variant)) {
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					if (iteration >= this.plan.startupWarmups()) {
						starts.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(took);
					}
				}
				requests.put(variant, workspaceRequests() - requestsBefore);
				if (this.stats.loginsAccepted() != loginsBefore) {
					throw new IllegalStateException("The application of variant " + variant.letter()
							+ " opened a database connection while starting: its start time would include a login");
				}
			}
		}
		return new Result(starts, requests);
	}

	private long workspaceRequests() {
		return this.workspacePaths.stream().mapToLong(this.stats::requests).sum() + this.stats.credentialRequests();
	}

	/**
	 * The start times of each variant.
	 *
	 * @param starts the counted start times by variant
	 * @param workspaceRequests the workspace API requests one start made, by variant
	 */
	record Result(Map<Variant, List<Duration>> starts, Map<Variant, Long> workspaceRequests) {

		Duration median(Variant variant) {
			return Medians.of(this.starts.get(variant));
		}

	}

}
