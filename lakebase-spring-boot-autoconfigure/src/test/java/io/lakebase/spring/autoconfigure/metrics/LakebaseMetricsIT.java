package io.lakebase.spring.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.metrics.LakebaseCredentialMetrics;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.lakebase.spring.autoconfigure.Boot4Line;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseDataSourceBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The credential meters, read through Spring Boot's metrics support after real rotations and a
 * failed refresh against a local Lakebase.
 */
class LakebaseMetricsIT {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(TOKEN_LIFETIME));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(new Boot4Line().lakebaseDataSource())
		.withConfiguration(AutoConfigurations.of(LakebaseMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withInitializer((context) -> TestPropertyValues.of(lakebase.get().springProperties()).applyTo(context));

	@BeforeEach
	void reset() {
		lakebase.get().faults().reset();
		lakebase.get().stats().reset();
	}

	@Test
	void metersFollowRotationsAndFailures() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// A token of 5 s is refreshed every 2.5 s.
			await().atMost(Duration.ofSeconds(20)).until(() -> issued(registry) >= 3);
			// Four 503s exhaust the SDK's retries: one refresh fails, the next one succeeds.
			lakebase.get().faults().failNextCredentialRequests(4, 503, Duration.ZERO);
			await().atMost(Duration.ofSeconds(20)).until(() -> failures(registry) >= 1);
			double issuedAfterFailure = issued(registry);
			await().atMost(Duration.ofSeconds(20)).until(() -> issued(registry) > issuedAfterFailure);

			FunctionTimer successes = fetches(registry, "success");
			assertThat(successes.totalTime(TimeUnit.NANOSECONDS)).isPositive();
			assertThat(fetches(registry, "failure").totalTime(TimeUnit.NANOSECONDS)).isPositive();
			assertThat(successes.count()).isCloseTo(lakebase.get().stats().tokensIssued(), within(1.0));
			assertThat(registry.find("lakebase.credential.fetch").meters()).hasSize(2);
			double expiresIn = meter(registry, "lakebase.credential.expires.in").gauge().value();
			assertThat(expiresIn).isGreaterThan(0).isLessThanOrEqualTo(TOKEN_LIFETIME.toSeconds());
			assertThat(meter(registry, "lakebase.credential.expires.in").gauge().getId().getBaseUnit())
				.isEqualTo("seconds");
		});
	}

	@Test
	void everyPoolHasBootsHikariMetersAndFallbacksAreCounted() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourcePoolMetricsAutoConfiguration.class))
			.withPropertyValues("lakebase.read-only.endpoint=" + LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT)
			.withUserConfiguration(OrdersConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean("ordersDataSource", HikariDataSource.class).getConnection().close();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				String primaryPool = context.getBean(DataSource.class).unwrap(HikariDataSource.class).getPoolName();
				for (String pool : new String[] { primaryPool, "lakebase-read-only", "orders" }) {
					assertThat(registry.find("hikaricp.connections").tag("pool", pool).gauge()).as(pool).isNotNull();
				}
				FunctionCounter fallbacks = registry.get("lakebase.read-only.fallbacks")
					.tag("endpoint", LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT)
					.functionCounter();
				assertThat(fallbacks.count()).isZero();
				lakebase.get().faults().hostDown(lakebase.get().host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT), true);
				try {
					context.getBean("lakebaseReadOnlyDataSource", HikariDataSource.class)
						.getHikariPoolMXBean()
						.softEvictConnections();
					TransactionTemplate readOnly = new TransactionTemplate(
							new DataSourceTransactionManager(context.getBean(DataSource.class)));
					readOnly.setReadOnly(true);
					readOnly.executeWithoutResult((status) -> new JdbcTemplate(context.getBean(DataSource.class))
						.queryForObject("select 1", Integer.class));
				}
				finally {
					lakebase.get().faults().reset();
				}
				assertThat(fallbacks.count()).isEqualTo(1);
				// The replica and the orders pool share the primary's credential: one set of credential meters.
				assertThat(registry.find("lakebase.credential.fetch").meters()).hasSize(2);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersConfiguration {

		@Bean(defaultCandidate = false)
		HikariDataSource ordersDataSource(LakebaseDataSourceBuilder lakebase) {
			return lakebase.name("orders").build();
		}

	}

	@Test
	void noMetersWithoutLakebase() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class,
					LakebaseMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LakebaseCredentialMetrics.class));
	}

	private static double issued(MeterRegistry registry) {
		return fetches(registry, "success").count();
	}

	private static double failures(MeterRegistry registry) {
		return fetches(registry, "failure").count();
	}

	private static FunctionTimer fetches(MeterRegistry registry, String outcome) {
		return meter(registry, "lakebase.credential.fetch").tag("outcome", outcome).functionTimer();
	}

	private static RequiredSearch meter(MeterRegistry registry, String name) {
		return registry.get(name).tag("endpoint", LocalLakebase.DEFAULT_ENDPOINT);
	}

}
