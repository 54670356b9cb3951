package io.lakebase.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs test classes through the JUnit Platform's launcher as Maven Surefire and Failsafe do: in one
 * launcher session, each class in an execution of its own (as with forks), or all of them in one.
 *
 * @param succeeded the tests that succeeded
 * @param failures what failed: tests, and classes whose set-up failed
 */
record Runs(long succeeded, List<Throwable> failures) {

	/**
	 * Each class in an execution of its own, in one session.
	 */
	static Runs eachClass(Map<String, String> parameters, Class<?>... classes) {
		List<LauncherDiscoveryRequest> requests = new ArrayList<>();
		for (Class<?> testClass : classes) {
			requests.add(request(parameters, testClass));
		}
		return run(requests);
	}

	/**
	 * All classes in one execution (for parallel execution).
	 */
	static Runs together(Map<String, String> parameters, Class<?>... classes) {
		return run(List.of(request(parameters, classes)));
	}

	void assertSucceeded(int tests) {
		assertThat(this.failures).as("failures").isEmpty();
		assertThat(this.succeeded).as("tests succeeded").isEqualTo(tests);
	}

	Throwable onlyFailure() {
		assertThat(this.failures).hasSize(1);
		return this.failures.get(0);
	}

	private static LauncherDiscoveryRequest request(Map<String, String> parameters, Class<?>... classes) {
		return LauncherDiscoveryRequestBuilder.request()
			.selectors(Arrays.stream(classes).map((type) -> selectClass(type)).toList())
			.configurationParameters(parameters)
			.build();
	}

	private static Runs run(List<LauncherDiscoveryRequest> requests) {
		long succeeded = 0;
		List<Throwable> failures = new ArrayList<>();
		try (LauncherSession session = LauncherFactory.openSession()) {
			for (LauncherDiscoveryRequest request : requests) {
				SummaryGeneratingListener listener = new SummaryGeneratingListener();
				session.getLauncher().execute(request, listener);
				TestExecutionSummary summary = listener.getSummary();
				succeeded += summary.getTestsSucceededCount();
				summary.getFailures().forEach((failure) -> failures.add(failure.getException()));
			}
		}
		return new Runs(succeeded, failures);
	}

}
