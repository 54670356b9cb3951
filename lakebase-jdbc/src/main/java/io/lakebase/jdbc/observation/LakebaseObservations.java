package io.lakebase.jdbc.observation;

import java.util.Objects;

import io.lakebase.jdbc.LakebaseObserver;
import io.lakebase.jdbc.LakebaseTarget;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records each step of a connection as a Micrometer {@link Observation}: a span in a tracing
 * backend, a timer in metrics. Named {@code lakebase.credential.fetch}, {@code lakebase.lookup} and
 * {@code lakebase.login}, with the low-cardinality key values {@code lakebase.flavour}
 * ({@code autoscaling} or {@code provisioned}), {@code lakebase.target.kind} ({@code endpoint},
 * {@code branch} or {@code instance}) and {@code lakebase.target} (its name), and {@code error}
 * when the step failed. No credential, token or role is ever a key value.
 *
 * <pre class="code">
 * LakebaseDataSource.builder()
 *     .endpoint("projects/my-project/branches/production/endpoints/primary")
 *     .observer(new LakebaseObservations(observationRegistry))
 *     .build();
 * </pre>
 *
 * @since 0.1.0
 */
public final class LakebaseObservations implements LakebaseObserver {

	private final ObservationRegistry registry;

	/**
	 * Records into a registry.
	 * @param registry the registry
	 */
	public LakebaseObservations(ObservationRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public <T, E extends Exception> T observe(Step step, LakebaseTarget target, Work<T, E> work) throws E {
		Observation observation = Observation.createNotStarted(step.observationName(), this.registry)
			.contextualName(step.observationName().replace('.', ' '))
			.lowCardinalityKeyValue("lakebase.flavour", target.flavour().displayName())
			.lowCardinalityKeyValue("lakebase.target.kind", target.kind())
			.lowCardinalityKeyValue("lakebase.target", target.name())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			return work.run();
		}
		catch (Exception | Error ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public String toString() {
		return "LakebaseObservations[" + this.registry + "]";
	}

}
