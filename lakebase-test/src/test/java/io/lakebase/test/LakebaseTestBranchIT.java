package io.lakebase.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.NotFound;
import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Runs test classes annotated with {@link LakebaseTestBranch @LakebaseTestBranch} through the
 * JUnit Platform against a local Lakebase and its workspace API, through the real Databricks SDK
 * and PgJDBC: a class writes to its branch and the parent stays unchanged, classes of a run share
 * one branch, class-scoped branches running in parallel are isolated, every branch is gone after
 * the run, a rerun with a fixed id replaces its branch, and a missing parent is reported by property.
 */
class LakebaseTestBranchIT {

	static final String PARENT = "projects/local/branches/main";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	// What the scenario classes saw, by scenario.
	static final Map<String, String> seen = new ConcurrentHashMap<>();

	// The local Lakebase of the integration test class running (one at a time in a JVM).
	private static volatile LocalLakebase local;

	@BeforeAll
	static void parentHasARow() throws Exception {
		parentHasARow(lakebase.get());
	}

	static void parentHasARow(LocalLakebase started) throws Exception {
		local = started;
		try (LakebaseDataSource parent = parentDataSource(); Connection connection = parent.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (text text)");
			statement.execute("DELETE FROM notes");
			statement.execute("INSERT INTO notes VALUES ('from the parent')");
		}
	}

	@AfterAll
	static void noBranchIsLeft() {
		assertThat(createdBranches()).isEmpty();
	}

	@Test
	void aClassWritesToItsBranchAndTheParentStaysUnchanged() throws Exception {
		Runs.eachClass(settings(), WritesToItsBranch.class).assertSucceeded(1);

		String branch = seen.get("writes.branch");
		assertThat(branch).startsWith(PARENT.replace("/main", "/test-"));
		assertThat(seen.get("writes.host")).isNotEqualTo(local.host());
		assertThat(seen.get("writes.dialled")).isEqualTo(seen.get("writes.host"));
		assertThat(seen.get("writes.rows")).isEqualTo("[from the parent, from the branch]");
		assertThat(parentRows()).containsExactly("from the parent");
		assertGone(branch);
	}

	@Test
	void classesOfARunShareOneBranch() {
		// Each class in an execution of its own, as Surefire runs them with forks: one session, one run.
		Runs.eachClass(settings(), SharesTheRunBranch.class, AlsoSharesTheRunBranch.class).assertSucceeded(2);

		assertThat(seen.get("shares.branch")).isEqualTo(seen.get("alsoShares.branch"));
		// Whichever class ran second saw the first one's row: one branch, open across both.
		assertThat(List.of(seen.get("shares.rows"), seen.get("alsoShares.rows")))
			.contains("[from the second class, from the parent, from the first class]");
		assertGone(seen.get("shares.branch"));
	}

	@Test
	void classScopedBranchesRunningInParallelAreIsolated() {
		Map<String, String> settings = settings();
		settings.put("junit.jupiter.execution.parallel.enabled", "true");
		settings.put("junit.jupiter.execution.parallel.mode.default", "same_thread");
		settings.put("junit.jupiter.execution.parallel.mode.classes.default", "concurrent");
		settings.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
		settings.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "2");
		IsolatedFirst.bothWrote.reset();

		Runs.together(settings, IsolatedFirst.class, IsolatedSecond.class).assertSucceeded(2);

		assertThat(seen.get("first.rows")).isEqualTo("[from the parent, first]");
		assertThat(seen.get("second.rows")).isEqualTo("[second, from the parent]");
		assertThat(seen.get("first.branch")).isNotEqualTo(seen.get("second.branch"));
		assertGone(seen.get("first.branch"));
		assertGone(seen.get("second.branch"));
		assertThat(parentRows()).containsExactly("from the parent");
	}

	@Test
	void aRerunWithAFixedIdReplacesItsBranch() throws Exception {
		Map<String, String> settings = settings();
		settings.put(TestBranchSettings.BRANCH_ID, "ci-rerun");
		settings.put(TestBranchSettings.KEEP, "true");

		Runs.eachClass(settings, WritesToItsBranch.class).assertSucceeded(1);
		assertThat(seen.get("writes.rows")).isEqualTo("[from the parent, from the branch]");
		String first = seen.get("writes.host");
		// Kept: the rerun finds it there, and replaces it with a fresh copy of the parent.
		assertThat(createdBranches()).containsExactly(PARENT.replace("main", "ci-rerun"));

		Runs.eachClass(settings, WritesToItsBranch.class).assertSucceeded(1);
		assertThat(seen.get("writes.rows")).isEqualTo("[from the parent, from the branch]");
		assertThat(seen.get("writes.host")).isNotEqualTo(first);
		workspace().postgres().deleteBranch(PARENT.replace("main", "ci-rerun")).waitForCompletion();
		assertGone(PARENT.replace("main", "ci-rerun"));
	}

	@Test
	void aParentThatDoesNotExistIsReportedByProperty() {
		Map<String, String> settings = settings();
		settings.put(TestBranchSettings.PARENT, "projects/local/branches/mian");

		Throwable failure = Runs.eachClass(settings, WritesToItsBranch.class).onlyFailure();

		assertThat(failure).isInstanceOf(TestBranchException.class)
			.hasMessageContaining("lakebase.test.parent is projects/local/branches/mian, which does not exist")
			.hasMessageContaining("the branches of projects/local: main");
		assertThat(((TestBranchException) failure).getProperty()).isEqualTo("lakebase.test.parent");
	}

	@Test
	void aParentThatIsNoBranchNameIsReportedByProperty() {
		Map<String, String> settings = settings();
		settings.put(TestBranchSettings.PARENT, "main");

		Throwable failure = Runs.eachClass(settings, WritesToItsBranch.class).onlyFailure();

		assertThat(failure).isInstanceOf(TestBranchException.class)
			.hasMessageContaining("lakebase.test.parent is 'main', not a branch name")
			.hasMessageContaining("projects/<project-id>/branches/<branch-id>");
	}

	static Map<String, String> settings() {
		Map<String, String> settings = new HashMap<>(local.springProperties());
		settings.remove("lakebase.endpoint");
		settings.put(TestBranchSettings.PARENT, PARENT);
		settings.put(TestBranchSettings.TIMEOUT, "60s");
		return settings;
	}

	static void assertGone(String branch) {
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> workspace().postgres().getBranch(branch));
	}

	static List<String> createdBranches() {
		return local.branches().stream().filter((name) -> !name.equals(PARENT)).toList();
	}

	static List<String> parentRows() {
		try (LakebaseDataSource parent = parentDataSource()) {
			return rows(parent);
		}
	}

	static List<String> rows(javax.sql.DataSource dataSource) {
		List<String> rows = new ArrayList<>();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT text FROM notes ORDER BY text DESC")) {
			while (result.next()) {
				rows.add(result.getString(1));
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return rows;
	}

	static void write(TestBranch branch, String text) {
		try (Connection connection = branch.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO notes VALUES ('" + text + "')");
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String dialledHost(TestBranch branch) {
		try (Connection connection = branch.dataSource().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_setting('" + LocalLakebase.HOST_SETTING + "')")) {
			result.next();
			return result.getString(1);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static LakebaseDataSource parentDataSource() {
		TestBranchSettings settings = TestBranchSettings.from(settings()::get);
		return LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(settings.databricksConfig())
			.settings(settings::applyTo)
			.build();
	}

	static WorkspaceClient workspace() {
		DatabricksConfig config = TestBranchSettings.from(settings()::get).databricksConfig();
		return new WorkspaceClient(config);
	}

	// The scenarios: run by the JUnit Platform from the tests above, never on their own (nested
	// classes are not run by Maven's plugins).

	@LakebaseTestBranch
	static class WritesToItsBranch {

		@Test
		void writes(TestBranch branch) {
			write(branch, "from the branch");
			seen.put("writes.branch", branch.name());
			seen.put("writes.host", branch.host());
			seen.put("writes.dialled", dialledHost(branch));
			seen.put("writes.rows", rows(branch.dataSource()).toString());
		}

	}

	@LakebaseTestBranch
	static class SharesTheRunBranch {

		@Test
		void records(TestBranch branch) {
			write(branch, "from the first class");
			seen.put("shares.branch", branch.name());
			seen.put("shares.rows", rows(branch.dataSource()).toString());
		}

	}

	@LakebaseTestBranch
	static class AlsoSharesTheRunBranch {

		@Test
		void records(TestBranch branch) {
			write(branch, "from the second class");
			seen.put("alsoShares.branch", branch.name());
			seen.put("alsoShares.rows", rows(branch.dataSource()).toString());
		}

	}

	@LakebaseTestBranch(scope = LakebaseTestBranch.Scope.CLASS)
	static class IsolatedFirst {

		// Both classes wait here for each other: their branches exist at the same time.
		static final CyclicBarrier bothWrote = new CyclicBarrier(2);

		@Test
		void writes(TestBranch branch) throws Exception {
			write(branch, "first");
			bothWrote.await(120, TimeUnit.SECONDS);
			seen.put("first.branch", branch.name());
			seen.put("first.rows", rows(branch.dataSource()).toString());
		}

	}

	@LakebaseTestBranch(scope = LakebaseTestBranch.Scope.CLASS)
	static class IsolatedSecond {

		@Test
		void writes(TestBranch branch) throws Exception {
			write(branch, "second");
			IsolatedFirst.bothWrote.await(120, TimeUnit.SECONDS);
			seen.put("second.branch", branch.name());
			seen.put("second.rows", rows(branch.dataSource()).toString());
		}

	}

}
