package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.spring.autoconfigure.observation.LakebaseObservationAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter addressing a database by {@code lakebase.project} and {@code lakebase.branch},
 * through the built-in pooler ({@code lakebase.pooled}), and observed with Micrometer, on a local
 * Lakebase with two branches and an emulated pooler. Run on each Spring Boot line by a subclass.
 */
public abstract class AbstractLakebaseAddressingIT {

	private static final String DEV_ENDPOINT = "projects/local/branches/dev/endpoints/dev-primary";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
		.endpoint(DEV_ENDPOINT)
		.pooler(true));

	private final ApplicationContextRunner contextRunner;

	protected AbstractLakebaseAddressingIT(SpringBootLine line) {
		this.contextRunner = new ApplicationContextRunner().withConfiguration(line.lakebaseDataSource())
			.withInitializer((context) -> TestPropertyValues.of(withoutTarget(lakebase.get().springProperties()))
				.applyTo(context));
	}

	@BeforeEach
	void reset() {
		lakebase.get().stats().reset();
	}

	@Test
	void aProjectAndBranchConnectToTheBranchsReadWriteEndpoint() {
		this.contextRunner.withPropertyValues("lakebase.project=local", "lakebase.branch=dev")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				assertThat(context.getBean(LakebaseResolver.class).resolved().orElseThrow().host())
					.isEqualTo(lakebase.get().host(DEV_ENDPOINT));
				assertThat(lakebase.get().stats().loginsAccepted(lakebase.get().host(DEV_ENDPOINT))).isPositive();
				assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
			});
	}

	@Test
	void pooledConnectionsGoThroughThePoolerWithoutServerSidePreparedStatements() {
		String pooledHost = lakebase.get().pooledHost(LocalLakebase.DEFAULT_ENDPOINT).orElseThrow();
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + LocalLakebase.DEFAULT_ENDPOINT, "lakebase.pooled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					PreparedStatement statement = connection.prepareStatement("SELECT ?::int * 2")) {
				assertThat(connection.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
				for (int i = 0; i < 10; i++) {
					statement.setInt(1, i);
					try (ResultSet result = statement.executeQuery()) {
						assertThat(result.next()).isTrue();
						assertThat(result.getInt(1)).isEqualTo(2 * i);
					}
				}
			}
			assertThat(context.getBean(LakebaseResolver.class).resolved().orElseThrow().host()).isEqualTo(pooledHost);
			assertThat(lakebase.get().stats().loginsAccepted(pooledHost)).isPositive();
		});
	}

	@Test
	void credentialFetchLookupAndLoginsAreObservations() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LakebaseObservationAutoConfiguration.class))
			.withUserConfiguration(RecordingObservations.class)
			.withPropertyValues("lakebase.project=local", "lakebase.branch=main")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				List<Observation.Context> recorded = context.getBean(RecordingObservations.class).contexts;
				assertThat(recorded).extracting(Observation.Context::getName)
					.contains("lakebase.credential.fetch", "lakebase.lookup", "lakebase.login");
				assertThat(recorded).allSatisfy((observation) -> {
					assertThat(observation.getLowCardinalityKeyValue("lakebase.target").getValue())
						.isEqualTo("projects/local/branches/main");
					assertThat(observation.getLowCardinalityKeyValue("lakebase.target.kind").getValue())
						.isEqualTo("branch");
					assertThat(observation.getAllKeyValues()).noneSatisfy((keyValue) -> assertThat(keyValue.getValue())
						.contains(lakebase.get().defaultIdentity().secret()));
				});
			});
	}

	// The properties of the local Lakebase but its endpoint: each test names its target.
	private static Map<String, String> withoutTarget(Map<String, String> properties) {
		Map<String, String> all = new LinkedHashMap<>(properties);
		all.remove("lakebase.endpoint");
		return all;
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingObservations implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(this);
			return registry;
		}

		@Override
		public void onStop(Observation.Context context) {
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
