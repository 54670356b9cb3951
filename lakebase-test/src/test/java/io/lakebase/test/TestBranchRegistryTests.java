package io.lakebase.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.databricks.sdk.WorkspaceClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the registry makes one branch per settings and scope, also for callers at once,
 * keeps it while any user holds it, and gives a failed creation's report to every later caller
 * without trying again.
 */
class TestBranchRegistryTests {

	private final TestBranchSettings settings = settings(Map.of());

	@Test
	void callersAtOnceShareOneCreation() throws Exception {
		AtomicInteger created = new AtomicInteger();
		CountDownLatch creating = new CountDownLatch(1);
		TestBranchRegistry registry = new TestBranchRegistry((settings) -> {
			created.incrementAndGet();
			awaitLatch(creating);
			return branch(settings);
		});
		List<Thread> callers = new ArrayList<>();
		List<TestBranch> branches = java.util.Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 4; i++) {
			Thread caller = new Thread(() -> branches.add(registry.acquire(this.settings, TestBranchRegistry.RUN)));
			callers.add(caller);
			caller.start();
		}
		// One caller creates, the three others wait for it on the key's lock.
		await().atMost(30, TimeUnit.SECONDS)
			.until(() -> created.get() == 1
					&& callers.stream().filter((caller) -> caller.getState() == Thread.State.BLOCKED).count() == 3);
		creating.countDown();
		for (Thread caller : callers) {
			caller.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(branches).hasSize(4).allSatisfy((branch) -> assertThat(branch).isSameAs(branches.get(0)));
		assertThat(created).hasValue(1);
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
	void theBranchIsDeletedWithItsLastReferenceOnly() {
		TestBranchRegistry registry = new TestBranchRegistry(TestBranchRegistryTests::branch);
		TestBranch branch = registry.acquire(this.settings, TestBranchRegistry.RUN);
		assertThat(registry.acquire(this.settings, TestBranchRegistry.RUN)).isSameAs(branch);

		registry.release(this.settings, TestBranchRegistry.RUN);
		assertThat(branch.isClosed()).isFalse();
		assertThat(registry.acquire(this.settings, TestBranchRegistry.RUN)).isSameAs(branch);
		registry.release(this.settings, TestBranchRegistry.RUN);
		registry.release(this.settings, TestBranchRegistry.RUN);

		assertThat(branch.isClosed()).isTrue();
		assertThat(registry.acquire(this.settings, TestBranchRegistry.RUN)).isNotSameAs(branch);
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

	@Test
	void anyFailureIsKeptAndReportedAsATestBranchFailure() {
		AtomicInteger created = new AtomicInteger();
		TestBranchRegistry registry = new TestBranchRegistry((settings) -> {
			created.incrementAndGet();
			throw new IllegalStateException("no route to host");
		});

		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(TestBranchException.class)
				.isThrownBy(() -> registry.acquire(this.settings, TestBranchRegistry.RUN))
				.withMessageContaining("no route to host");
		}
		assertThat(created).hasValue(1);
	}

	@Test
	void aFixedIdIsRefusedForTwoBranchesAtOnce() {
		TestBranchRegistry registry = new TestBranchRegistry(TestBranchRegistryTests::branch);
		TestBranchSettings fixed = settings(Map.of("lakebase.test.branch-id", "ci-pr-7"));
		registry.acquire(fixed, "com.example.FirstTests");

		assertThatExceptionOfType(TestBranchException.class)
			.isThrownBy(() -> registry.acquire(fixed, "com.example.SecondTests"))
			.withMessageContaining("lakebase.test.branch-id is 'ci-pr-7' for two branches at once")
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("lakebase.test.branch-id"));
		registry.release(fixed, "com.example.FirstTests");
		assertThat(registry.acquire(fixed, "com.example.SecondTests")).isNotNull();
	}

	private static TestBranchSettings settings(Map<String, String> more) {
		Map<String, String> properties = new HashMap<>(more);
		properties.put("lakebase.test.parent", "projects/shop/branches/main");
		// Kept: closing these branches must not call a workspace.
		properties.put("lakebase.test.keep", "true");
		return TestBranchSettings.from(properties::get);
	}

	private static TestBranch branch(TestBranchSettings settings) {
		return new TestBranch(settings, new WorkspaceClient(true), "projects/shop/branches/test",
				"projects/shop/branches/test/endpoints/primary", "test.example.com", null);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
