package io.lakebase.compatibility;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.test.LakebaseTestBranch;
import io.lakebase.test.TestBranch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs two plain JUnit classes on the run's one branch, each in an execution of its own in one
 * launcher session (as Surefire does with forks), on the JUnit version of this module's Spring Boot
 * line: the first class's end must not end the branch (JUnit 5.13 and later close what a class's
 * store holds when the class ends), and the branch is gone when the session ends.
 */
class CompatibilityRunBranchIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	static final Map<String, List<String>> seen = new ConcurrentHashMap<>();

	@Test
	void classesOfARunShareTheBranchUntilTheRunEnds() {
		Map<String, String> settings = new LinkedHashMap<>(lakebase.get().springProperties());
		settings.remove("lakebase.endpoint");
		settings.put("lakebase.test.parent", "projects/local/branches/main");
		settings.put("lakebase.test.timeout", "60s");

		// As Surefire runs classes with forks: one launcher session, each class in an execution of its own.
		long succeeded = 0;
		try (LauncherSession session = LauncherFactory.openSession()) {
			for (Class<?> testClass : List.of(FirstClass.class, SecondClass.class)) {
				SummaryGeneratingListener listener = new SummaryGeneratingListener();
				session.getLauncher()
					.execute(LauncherDiscoveryRequestBuilder.request()
						.selectors(selectClass(testClass))
						.configurationParameters(settings)
						.build(), listener);
				listener.getSummary().getFailures().forEach((failure) -> {
					throw new AssertionError("failed: " + failure.getTestIdentifier().getDisplayName(),
							failure.getException());
				});
				succeeded += listener.getSummary().getTestsSucceededCount();
			}
			assertThat(succeeded).isEqualTo(2);
			// Held until the session ends, not only until the end of one class's execution.
			assertThat(lakebase.get().branches()).hasSize(2);
		}
		List<String> first = seen.get(FirstClass.class.getSimpleName());
		List<String> second = seen.get(SecondClass.class.getSimpleName());
		assertThat(first.get(0)).isEqualTo(second.get(0));
		// Whichever ran second saw the first one's row.
		assertThat(first.size() + second.size()).isEqualTo(2 + 1 + 2);
		assertThat(lakebase.get().branches()).containsExactly("projects/local/branches/main");
	}

	static void record(Class<?> testClass, TestBranch branch) throws SQLException {
		try (Connection connection = branch.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS classes (name text)");
			statement.execute("INSERT INTO classes VALUES ('" + testClass.getSimpleName() + "')");
			List<String> row = new ArrayList<>(List.of(branch.name()));
			try (ResultSet names = statement.executeQuery("SELECT name FROM classes")) {
				while (names.next()) {
					row.add(names.getString(1));
				}
			}
			seen.put(testClass.getSimpleName(), row);
		}
	}

	@LakebaseTestBranch
	static class FirstClass {

		@Test
		void writes(TestBranch branch) throws SQLException {
			record(FirstClass.class, branch);
		}

	}

	@LakebaseTestBranch
	static class SecondClass {

		@Test
		void writes(TestBranch branch) throws SQLException {
			record(SecondClass.class, branch);
		}

	}


}
