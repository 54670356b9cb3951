package io.lakebase.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The test branches of this JVM, by settings and scope: the JUnit extension and the Spring test
 * support of one run share a branch when their settings are equal, and classes running in
 * parallel wait for the one creation. A failed creation is not tried again by the next class of
 * the run: each gets the failure at once. What is left at JVM shutdown is deleted then.
 */
final class TestBranchRegistry {

	/** The scope of the branches shared by the whole run. */
	static final String RUN = "run";

	static final TestBranchRegistry INSTANCE = new TestBranchRegistry(TestBranches::create);

	private final Function<TestBranchSettings, TestBranch> factory;

	private final Map<Key, Holder> holders = new ConcurrentHashMap<>();

	private final AtomicBoolean shutdownHook = new AtomicBoolean();

	TestBranchRegistry(Function<TestBranchSettings, TestBranch> factory) {
		this.factory = factory;
	}

	/**
	 * Returns the branch of these settings and scope, made at the first call.
	 * @param settings the settings
	 * @param scope {@link #RUN} or a test class's name
	 * @return the branch
	 */
	TestBranch acquire(TestBranchSettings settings, String scope) {
		if (this.shutdownHook.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(this::releaseAll, "lakebase-test-branches"));
		}
		return this.holders.computeIfAbsent(new Key(settings, scope), (key) -> new Holder()).get(settings,
				this.factory);
	}

	/**
	 * Deletes the branches of a scope.
	 * @param scope {@link #RUN} or a test class's name
	 */
	void release(String scope) {
		List<Holder> released = new ArrayList<>();
		this.holders.entrySet().removeIf((entry) -> {
			if (entry.getKey().scope().equals(scope)) {
				released.add(entry.getValue());
				return true;
			}
			return false;
		});
		released.forEach(Holder::close);
	}

	void releaseAll() {
		List<Holder> released = new ArrayList<>(this.holders.values());
		this.holders.clear();
		released.forEach(Holder::close);
	}

	private record Key(TestBranchSettings settings, String scope) {
	}

	private static final class Holder {

		private @Nullable TestBranch branch;

		private @Nullable TestBranchException failure;

		synchronized TestBranch get(TestBranchSettings settings, Function<TestBranchSettings, TestBranch> factory) {
			if (this.branch != null) {
				return this.branch;
			}
			if (this.failure != null) {
				throw new TestBranchException(this.failure.getProperty(),
						"The test branch of this run could not be made: " + this.failure.getMessage(), this.failure);
			}
			try {
				this.branch = factory.apply(settings);
				return this.branch;
			}
			catch (TestBranchException ex) {
				this.failure = ex;
				throw ex;
			}
		}

		synchronized void close() {
			if (this.branch != null) {
				this.branch.close();
			}
		}

	}

}
