package io.lakebase.jdbc;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.jdbc.observation.LakebaseObservations;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LakebaseObservations}: a plain-Java pool's credential fetch, lookup and logins recorded as
 * Micrometer Observations, named and tagged without a secret.
 */
class LakebaseObservationsIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder());

	@Test
	void eachStepIsAnObservationTaggedWithTheTargetAndNoSecret() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		Recorded recorded = new Recorded();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(recorded);
		try (LakebaseDataSource dataSource = LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(identity.name())
				.setClientSecret(identity.secret()))
			.settings((settings) -> settings.port(lakebase.get().port())
				.sslRootCert(lakebase.get().caCertificate().toString()))
			.observer(new LakebaseObservations(registry))
			.pool((pool) -> pool.setMaximumPoolSize(1))
			.build()) {
			for (int i = 0; i < 3; i++) {
				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				dataSource.getHikariPoolMXBean().softEvictConnections();
			}
		}
		assertThat(recorded.names()).containsOnly("lakebase.credential.fetch", "lakebase.lookup", "lakebase.login");
		assertThat(recorded.named("lakebase.credential.fetch")).hasSize(1);
		assertThat(recorded.named("lakebase.lookup")).hasSize(1);
		assertThat(recorded.named("lakebase.login")).hasSizeGreaterThanOrEqualTo(3);
		for (Observation.Context context : recorded.contexts) {
			assertThat(context.getLowCardinalityKeyValue("lakebase.target").getValue())
				.isEqualTo(LocalLakebase.DEFAULT_ENDPOINT);
			assertThat(context.getLowCardinalityKeyValue("lakebase.target.kind").getValue()).isEqualTo("endpoint");
			assertThat(context.getLowCardinalityKeyValue("lakebase.flavour").getValue()).isEqualTo("autoscaling");
			assertThat(context.getError()).isNull();
			for (KeyValue keyValue : context.getAllKeyValues()) {
				assertThat(keyValue.getValue()).doesNotContain(identity.secret()).doesNotContain("eyJ");
			}
		}
	}

	@Test
	void aFailedStepIsRecordedWithItsError() {
		Recorded recorded = new Recorded();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(recorded);
		LakebaseObserver observer = new LakebaseObservations(registry);
		LakebaseTarget target = LakebaseTarget.instance("orders");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> observer
			.observe(LakebaseObserver.Step.LOOKUP, target, () -> {
				throw new IllegalStateException("down");
			}));
		assertThat(recorded.named("lakebase.lookup")).singleElement()
			.satisfies((context) -> assertThat(context.getError()).hasMessage("down"));
	}

	private static final class Recorded implements ObservationHandler<Observation.Context> {

		private final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		List<String> names() {
			return this.contexts.stream().map(Observation.Context::getName).toList();
		}

		List<Observation.Context> named(String name) {
			return this.contexts.stream().filter((context) -> name.equals(context.getName())).toList();
		}

	}

}
