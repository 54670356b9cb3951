package io.lakebase.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.databricks.sdk.WorkspaceClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that the registry makes one branch per settings and scope, also for callers at once, and
 * gives a failed creation's report to every later caller of the run without trying again.
 */
class TestBranchRegistryTests {

	private final TestBranchSettings settings = TestBranchSettings
		.from(Map.of("lakebase.test.parent", "projects/shop/branches/main")::get);

	@Test
	void callersAtOnceShareOneCreation() throws Exception {
		AtomicInteger created = new AtomicInteger();
		CountDownLatch creating = new CountDownLatch(1);
		TestBranchRegistry registry = new TestBranchRegistry((settings) -> {
			created.incrementAndGet();
			await(creating);
			return branch(settings);
		});
		ExecutorService callers = Executors.newFixedThreadPool(4);
		try {
			List<Future<TestBranch>> branches = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				branches.add(callers.submit(() -> registry.acquire(this.settings, TestBranchRegistry.RUN)));
			}
			creating.countDown();
			for (Future<TestBranch> branch : branches) {
				branch.get(10, TimeUnit.SECONDS);
			}
			assertThat(created).hasValue(1);
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void scopesDoNotShare() {
		AtomicInteger created = new AtomicInteger();
		TestBranchRegistry registry = new TestBranchRegistry((settings) -> {
			created.incrementAndGet();
			return branch(settings);
		});

		registry.acquire(this.settings, TestBranchRegistry.RUN);
		registry.acquire(this.settings, "com.example.FirstTests");
		registry.acquire(this.settings, "com.example.SecondTests");
		registry.acquire(this.settings, "com.example.SecondTests");

		assertThat(created).hasValue(3);
	}

	@Test
	void aFailedCreationIsReportedToLaterCallersWithoutTryingAgain() {
		AtomicInteger created = new AtomicInteger();
		TestBranchRegistry registry = new TestBranchRegistry((settings) -> {
			created.incrementAndGet();
			throw new TestBranchException("lakebase.test.parent", "lakebase.test.parent is gone");
		});

		assertThatExceptionOfType(TestBranchException.class)
			.isThrownBy(() -> registry.acquire(this.settings, TestBranchRegistry.RUN))
			.withMessage("lakebase.test.parent is gone");
		assertThatExceptionOfType(TestBranchException.class)
			.isThrownBy(() -> registry.acquire(this.settings, TestBranchRegistry.RUN))
			.withMessageContaining("could not be made: lakebase.test.parent is gone")
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("lakebase.test.parent"));
		assertThat(created).hasValue(1);
	}

	private static TestBranch branch(TestBranchSettings settings) {
		return new TestBranch(settings, new WorkspaceClient(true), "projects/shop/branches/test",
				"projects/shop/branches/test/endpoints/primary", "test.example.com", null);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
