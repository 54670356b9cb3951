package io.lakebase.test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.lakebase.test.LakebaseTestBranchIT.assertGone;
import static io.lakebase.test.LakebaseTestBranchIT.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills a JVM (SIGKILL: no shutdown hook, no end of the JUnit run) after it made its test branch:
 * the branch is left behind, and the local Lakebase deletes it when its TTL ends.
 */
class LakebaseTestBranchTtlIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@BeforeAll
	static void parentHasARow() throws Exception {
		LakebaseTestBranchIT.parentHasARow(lakebase.get());
	}

	@Test
	void aJvmKilledMidRunLeavesABranchThatItsTtlRemoves() throws Exception {
		ProcessBuilder builder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), KilledRun.class.getName());
		builder.environment().keySet().removeIf((name) -> name.startsWith("DATABRICKS_") || name.startsWith("LAKEBASE_"));
		Map<String, String> settings = settings();
		// Long enough for the child to make the branch and for this test to see it left behind,
		// on a loaded machine too.
		settings.put(TestBranchSettings.TIMEOUT, "20s");
		settings.put(TestBranchSettings.TTL, "25s");
		settings.forEach((name, value) -> builder.environment()
			.put(TestBranchSettings.environmentVariable(name), value));
		builder.redirectErrorStream(true);
		Process child = builder.start();
		String branch;
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			List<String> lines = new CopyOnWriteArrayList<>();
			Future<String> created = reader.submit(() -> {
				String line;
				while ((line = output.readLine()) != null) {
					lines.add(line);
					if (line.startsWith(KilledRun.CREATED)) {
						return line.substring(KilledRun.CREATED.length());
					}
				}
				return null;
			});
			try {
				branch = created.get(120, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.TimeoutException ex) {
				branch = null;
			}
			assertThat(branch).as("the child's output: %s", lines).isNotNull();
		}
		finally {
			// SIGKILL: no shutdown hook, no JUnit store closing; only the TTL is left.
			child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			reader.shutdownNow();
		}
		String[] nameAndExpiry = branch.split(" ");
		Instant expiry = Instant.parse(nameAndExpiry[1]);
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(250))
			.untilAsserted(() -> assertGone(nameAndExpiry[0]));
		// Gone by its TTL, not by anything the killed JVM did.
		assertThat(Instant.now()).isAfterOrEqualTo(expiry);
	}

	/** A test run killed after it made its branch. */
	static final class KilledRun {

		static final String CREATED = "created ";

		public static void main(String[] args) throws Exception {
			TestBranchSettings settings = TestBranchSettings
				.from((name) -> System.getenv(TestBranchSettings.environmentVariable(name)));
			TestBranch branch = TestBranchRegistry.INSTANCE.acquire(settings, TestBranchRegistry.RUN);
			System.out.println(CREATED + branch.name() + " " + branch.expireTime());
			System.out.flush();
			Thread.sleep(Duration.ofMinutes(5).toMillis());
		}

	}


}
