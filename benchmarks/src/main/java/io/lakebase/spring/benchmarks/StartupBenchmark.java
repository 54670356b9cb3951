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
 * filling its pool, and what each start asks the workspace. The variants take turns; a start that
 * opens a connection fails the run, since its time would include a login. Then B starts once more
 * with its startup check on (the default), whose requests and logins are counted apart.
 */
final class StartupBenchmark {

	private final BenchmarkApplications applications;

	private final Stats stats;

	private final String endpoint;

	private final RunPlan plan;

	StartupBenchmark(BenchmarkApplications applications, Stats stats, String endpoint, RunPlan plan) {
		this.applications = applications;
		this.stats = stats;
		this.endpoint = endpoint;
		this.plan = plan;
	}

	Result run() {
		Map<Variant, List<Duration>> starts = new EnumMap<>(Variant.class);
		Map<Variant, WorkspaceRequests> requests = new EnumMap<>(Variant.class);
		for (int iteration = 0; iteration < this.plan.startupWarmups() + this.plan.startupIterations(); iteration++) {
			for (Variant variant : Variant.inTurn(iteration)) {
				long loginsBefore = this.stats.loginsAccepted();
				WorkspaceRequests requestsBefore = workspaceRequests();
				long start = System.nanoTime();
				try (ConfigurableApplicationContext context = this.applications.start(variant)) {
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					if (iteration >= this.plan.startupWarmups()) {
						starts.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(took);
					}
				}
				requests.put(variant, workspaceRequests().minus(requestsBefore));
				if (this.stats.loginsAccepted() != loginsBefore) {
					throw new IllegalStateException("The application of variant " + variant.letter()
							+ " opened a database connection while starting: its start time would include a login");
				}
			}
		}
		long loginsBefore = this.stats.loginsAccepted();
		WorkspaceRequests requestsBefore = workspaceRequests();
		try (ConfigurableApplicationContext context = this.applications.startWithStartupCheck()) {
			// Started: the check has run and the pool has its first connection.
		}
		return new Result(starts, requests, workspaceRequests().minus(requestsBefore),
				this.stats.loginsAccepted() - loginsBefore);
	}

	private WorkspaceRequests workspaceRequests() {
		return WorkspaceRequests.of(this.stats, this.endpoint);
	}

	/**
	 * The start times of each variant.
	 *
	 * @param starts the counted start times by variant
	 * @param workspaceRequests the workspace API requests one start made, by variant
	 * @param checkedStarterRequests the workspace API requests of B's start with its startup check
	 * @param checkedStarterLogins the physical logins of that start
	 */
	record Result(Map<Variant, List<Duration>> starts, Map<Variant, WorkspaceRequests> workspaceRequests,
			WorkspaceRequests checkedStarterRequests, long checkedStarterLogins) {

		Duration median(Variant variant) {
			return Medians.of(this.starts.get(variant));
		}

	}

}
