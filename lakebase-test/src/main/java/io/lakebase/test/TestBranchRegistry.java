package io.lakebase.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The test branches of this JVM, by settings and scope, each deleted when its last user releases
 * it: the JUnit extension holds one reference per class until the class (class scope) or the run
 * (run scope) ends, and a Spring test context one until it is closed, so that a cached context
 * never outlives its branch. Classes running in parallel wait for the one creation. A failed
 * creation is not tried again in this JVM: each later user gets the failure at once.
 * What is left at JVM shutdown is deleted then.
 */
final class TestBranchRegistry {

	/** The scope of the branches shared by the whole run. */
	static final String RUN = "run";

	static final TestBranchRegistry INSTANCE = new TestBranchRegistry(TestBranches::create);

	private final Function<TestBranchSettings, TestBranch> factory;

	private final Map<Key, Holder> holders = new HashMap<>();

	private final AtomicBoolean shutdownHook = new AtomicBoolean();

	TestBranchRegistry(Function<TestBranchSettings, TestBranch> factory) {
		this.factory = factory;
	}

	/**
	 * Returns the branch of these settings and scope, made at the first call, and holds a
	 * reference to it until {@link #release} (none when it throws).
	 * @param settings the settings
	 * @param scope {@link #RUN} or a test class's name
	 * @return the branch
	 * @throws TestBranchException when the branch cannot be made, or a fixed branch id would be
	 * used for two branches at once
	 */
	TestBranch acquire(TestBranchSettings settings, String scope) {
		if (this.shutdownHook.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(this::releaseAll, "lakebase-test-branches"));
		}
		Key key = new Key(settings, scope);
		Holder holder;
		synchronized (this.holders) {
			holder = this.holders.get(key);
			if (holder == null) {
				refuseSharedFixedId(key);
				holder = new Holder();
				this.holders.put(key, holder);
			}
			holder.references++;
		}
		// Outside the registry's lock: a creation takes seconds, other keys need not wait.
		try {
			return holder.get(settings, this.factory);
		}
		catch (RuntimeException ex) {
			// Not taken: nothing to release. The holder keeps the failure for the next caller.
			synchronized (this.holders) {
				holder.references--;
			}
			throw ex;
		}
	}

	/**
	 * Drops a reference; the last one deletes the branch.
	 * @param settings the settings
	 * @param scope {@link #RUN} or a test class's name
	 */
	void release(TestBranchSettings settings, String scope) {
		Holder unused = null;
		synchronized (this.holders) {
			Key key = new Key(settings, scope);
			Holder holder = this.holders.get(key);
			if (holder != null && --holder.references <= 0) {
				this.holders.remove(key);
				unused = holder;
			}
		}
		if (unused != null) {
			unused.close();
		}
	}

	void releaseAll() {
		List<Holder> all;
		synchronized (this.holders) {
			all = new ArrayList<>(this.holders.values());
			this.holders.clear();
		}
		all.forEach(Holder::close);
	}

	// A fixed id names one branch: two live keys would replace each other's branch.
	private void refuseSharedFixedId(Key key) {
		String id = key.settings().branchId();
		if (id == null) {
			return;
		}
		for (Map.Entry<Key, Holder> entry : this.holders.entrySet()) {
			Key other = entry.getKey();
			if (entry.getValue().references > 0 && id.equals(other.settings().branchId())
					&& key.settings().project().equals(other.settings().project())) {
				throw new TestBranchException(TestBranchSettings.BRANCH_ID, TestBranchSettings.BRANCH_ID + " is '" + id
						+ "' for two branches at once (" + describe(other) + " and " + describe(key) + "): each would "
						+ "replace the other's. A fixed id is for the run's one branch: remove it (each branch then "
						+ "gets an id of its own), or do not combine it with @LakebaseTestBranch(scope = CLASS) or "
						+ "with other settings in the same run.");
			}
		}
	}

	private static String describe(Key key) {
		return key.scope().equals(RUN) ? "the run's branch" : "the branch of " + key.scope();
	}

	private record Key(TestBranchSettings settings, String scope) {
	}

	private static final class Holder {

		private int references;

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
			catch (RuntimeException ex) {
				this.failure = new TestBranchException(TestBranchSettings.PARENT,
						"Could not make a branch of " + settings.parent() + ": " + ex, ex);
				throw this.failure;
			}
		}

		synchronized void close() {
			if (this.branch != null) {
				this.branch.close();
			}
		}

	}

}
