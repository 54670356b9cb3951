package io.lakebase.spring.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One pool per variant, open for figures 1, 3 and 4, with the credential calls and logins each
 * made over its whole life. Work runs on one pool at a time and ends with the pool settled, so
 * that every count belongs to one variant.
 */
final class LongLivedPools {

	private final CredentialMeter meter;

	private final Map<Variant, BenchmarkPool> pools = new EnumMap<>(Variant.class);

	private final Map<Variant, CredentialCount> counts = new EnumMap<>(Variant.class);

	private LongLivedPools(CredentialMeter meter) {
		this.meter = meter;
	}

	/**
	 * Opens a cold pool of every variant, one after the other, and waits until each is full.
	 * @param factory the pool factory
	 * @param meter the meter to count with
	 * @return the open pools
	 * @throws Exception if a pool cannot be opened
	 */
	static LongLivedPools open(BenchmarkPools factory, CredentialMeter meter) throws Exception {
		LongLivedPools longLived = new LongLivedPools(meter);
		try {
			for (Variant variant : Variant.values()) {
				CredentialCount count = meter.measure(() -> {
					BenchmarkPool pool = factory.open(variant);
					longLived.pools.put(variant, pool);
					pool.dataSource().getConnection().close();
					pool.awaitSettled();
				});
				longLived.counts.put(variant, count);
			}
			return longLived;
		}
		catch (Exception ex) {
			longLived.close();
			throw ex;
		}
	}

	/**
	 * Runs work on the pool of a variant and counts what it caused, including the connections
	 * the pool opens to settle afterwards.
	 * @param <T> the result type
	 * @param variant the variant
	 * @param work the work
	 * @return what the work returned
	 * @throws Exception what the work throws
	 */
	<T> T use(Variant variant, Work<T> work) throws Exception {
		BenchmarkPool pool = this.pools.get(variant);
		List<T> result = new ArrayList<>(1);
		CredentialCount count = this.meter.measure(() -> {
			result.add(work.run(pool));
			pool.awaitSettled();
		});
		this.counts.merge(variant, count, CredentialCount::plus);
		return result.get(0);
	}

	/**
	 * Closes every pool.
	 * @return what each pool cost over its life
	 * @throws Exception if a pool fails to close
	 */
	List<PoolUse> close() throws Exception {
		List<PoolUse> uses = new ArrayList<>();
		for (Variant variant : Variant.values()) {
			BenchmarkPool pool = this.pools.remove(variant);
			if (pool != null) {
				CredentialCount count = this.meter.measure(pool::close);
				uses.add(new PoolUse(variant, this.counts.get(variant).plus(count), pool.age()));
			}
		}
		return uses;
	}

	/**
	 * Work on one pool.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	interface Work<T> {

		T run(BenchmarkPool pool) throws Exception;

	}

}
