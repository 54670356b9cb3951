package io.lakebase.spring.autoconfigure;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.SslMode;
import io.lakebase.jdbc.metrics.LakebaseCredentialMetrics;
import io.lakebase.spring.autoconfigure.actuate.LakebaseActuatorAutoConfiguration;
import io.lakebase.spring.autoconfigure.actuate.LakebaseSanitizingFunction;
import io.lakebase.spring.autoconfigure.metrics.LakebaseMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Wiring tests for the Lakebase auto-configurations, without any server: with the startup check
 * off nothing calls the workspace, whose address here refuses every connection. Run on each
 * Spring Boot line by a subclass naming the line.
 */
public abstract class AbstractLakebaseAutoConfigurationTests {

	private static final String ENDPOINT = "projects/shop/branches/production/endpoints/primary";

	private static final String CLOSED_WORKSPACE = "http://127.0.0.1:" + closedPort();

	private final SpringBootLine line;

	private final ApplicationContextRunner contextRunner;

	protected AbstractLakebaseAutoConfigurationTests(SpringBootLine line) {
		this.line = line;
		this.contextRunner = new ApplicationContextRunner().withConfiguration(line.lakebaseDataSource())
			.withPropertyValues("lakebase.workspace.host=" + CLOSED_WORKSPACE, "lakebase.workspace.token=dapi-test",
					"lakebase.host=db.example.invalid", "lakebase.username=app-client-id", "lakebase.fail-fast=false");
	}

	@Test
	void whenNoEndpointOrInstanceThenInactive() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class)).run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(LakebaseCredentialCache.class)
			.doesNotHaveBean(WorkspaceClient.class)
			.doesNotHaveBean(LakebaseConnectionDetails.class));
	}

	@Test
	void theTestBranchSettingsAloneLeaveItInactive() {
		// lakebase-test's settings: the test branch, not a connection of the application.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class))
			.withPropertyValues("lakebase.test.parent=projects/shop/branches/main", "lakebase.test.ttl=2h")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LakebaseConnectionDetails.class));
	}

	@Test
	void whenDisabledThenInactive() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LakebaseCredentialCache.class));
	}

	@Test
	void whenEndpointAndInstanceAreBothSetThenContextFails() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.instance=orders")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(MutuallyExclusiveConfigurationPropertiesException.class,
						(ex) -> assertThat(ex.getConfiguredNames()).containsExactly("lakebase.endpoint", "lakebase.instance")));
	}

	@Test
	void whenSpringDatasourceConnectionPropertiesAreSetTooThenContextFails() {
		this.contextRunner
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "spring.datasource.username=app",
					"spring.datasource.hikari.password=s3cr3t")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(ConflictingConnectionPropertiesException.class,
						(ex) -> assertThat(ex.getAction()).contains("lakebase.enabled=false"))
				.hasMessageContaining("spring.datasource.username ('app'")
				.hasMessageContaining("spring.datasource.hikari.password ('******'")
				.hasMessageContaining("are set, and so is lakebase.endpoint: the Lakebase connection wins")
				.hasMessageNotContaining("s3cr3t"));
		this.contextRunner.withPropertyValues("lakebase.instance=orders", "spring.datasource.password=s3cr3t")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageStartingWith("spring.datasource.password ('******'")
				.hasMessageNotContaining("s3cr3t"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.enabled=false",
					"spring.datasource.url=jdbc:postgresql://localhost/app")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LakebasePrimaryConnection.class));
	}

	@Test
	void whenEndpointIsMalformedThenContextFails() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=shop/primary")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.endpoint"))
				.hasMessageContaining("'shop/primary' is not of the form projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>"));
	}

	@Test
	void whenBranchIsNotAPlainIdThenContextFails() {
		// The branch's full name where its id belongs: refused before any network call.
		this.contextRunner.withPropertyValues("lakebase.project=shop", "lakebase.branch=projects/shop/branches/dev")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.branch"))
				.hasMessageContaining("is not a plain id")
				.hasMessageContaining("'databricks postgres list-branches projects/shop' lists them"));
		this.contextRunner.withPropertyValues("lakebase.project=shop/x", "lakebase.branch=dev")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.project")));
	}

	@Test
	void whenProjectAndEndpointAreBothSetThenContextFails() {
		this.contextRunner
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.project=shop", "lakebase.branch=dev")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(MutuallyExclusiveConfigurationPropertiesException.class,
						(ex) -> assertThat(ex.getConfiguredNames()).containsExactly("lakebase.endpoint",
								"lakebase.project", "lakebase.branch")));
	}

	@Test
	void whenPooledIsNotABooleanOrIsSetForAnInstanceThenContextFails() {
		// Spring Boot's own binding failure, which its failure analyzer reports with the property.
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.pooled=maybe")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasRootCauseInstanceOf(IllegalArgumentException.class)
				.satisfies((failure) -> assertThat(failure).hasStackTraceContaining(
						"Failed to bind properties under 'lakebase.pooled' to boolean")));
		this.contextRunner.withPropertyValues("lakebase.instance=orders", "lakebase.pooled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.pooled"))
				.hasMessageContaining("A Provisioned database instance has no pooled host"));
	}

	@Test
	void whenTtlIsOutOfRangeThenContextFails() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.credential.ttl=2h")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.credential.ttl")));
	}

	@Test
	void endpointConfiguresBootsHikariDataSource() {
		this.contextRunner
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.schema=orders",
					"spring.datasource.hikari.maximum-pool-size=7")
			.run((context) -> {
				assertThat(context).hasSingleBean(LakebaseCredentialCache.class)
					.hasSingleBean(LakebasePrimaryConnection.class)
					.hasSingleBean(WorkspaceClient.class);
				LakebaseResolver resolver = context.getBean(LakebasePrimaryConnection.class).resolver();
				assertThat(resolver.target()).isEqualTo(LakebaseTarget.endpoint(ENDPOINT));
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(dataSource.getJdbcUrl()).isEqualTo(
						"jdbc:postgresql://db.example.invalid:5432/databricks_postgres?sslmode=verify-full"
								+ "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&currentSchema=orders");
				assertThat(dataSource.getUsername()).isEqualTo("app-client-id");
				assertThat(dataSource.getPassword()).isNull();
				assertThat(dataSource.getDataSource()).isInstanceOf(LakebaseLoginDataSource.class);
				assertThat(dataSource.getMaxLifetime()).isEqualTo(45 * 60 * 1000L);
				assertThat(dataSource.getMaximumPoolSize()).isEqualTo(7);
				assertThat(context.getBean(this.line.jdbcConnectionDetails()).getClass().getSimpleName())
					.isEqualTo("LakebaseJdbcConnectionDetails");
			});
	}

	@Test
	void instanceUsesProvisionedCredentials() {
		this.contextRunner.withPropertyValues("lakebase.instance=orders")
			.run((context) -> assertThat(context.getBean(LakebaseCredentialCache.class).toString())
				.contains("ProvisionedCredentialSource[instance=orders]"));
	}

	@Test
	void whenFailFastIsOffThenTheStartCallsNoWorkspace() {
		// The workspace address refuses connections: a start that called it would log or fail.
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.host=", "lakebase.username=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanFactory().getBeanDefinition("lakebaseWorkspaceClient").isLazyInit()).isTrue();
				assertThat(context.getBeanFactory().containsSingleton("lakebaseWorkspaceClient")).isFalse();
				LakebaseResolver resolver = context.getBean(LakebaseResolver.class);
				assertThat(resolver.resolved()).isEmpty();
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(dataSource.getJdbcUrl()).contains(LakebaseConnectionInfo.UNDISCOVERED_HOST);
				assertThat(dataSource.getUsername()).isNull();
				assertThat(dataSource.getInitializationFailTimeout()).isEqualTo(-1);
			});
	}

	@Test
	void userMaxLifetimeIsKept() {
		this.contextRunner
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "spring.datasource.hikari.max-lifetime=600000")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getMaxLifetime()).isEqualTo(600000));
	}

	@Test
	void sslSettingsReachTheJdbcUrl() {
		this.contextRunner
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "lakebase.port=6543", "lakebase.database=shop",
					"lakebase.ssl.mode=verify-full", "lakebase.ssl.root-cert=/etc/ssl/lakebase ca.pem")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getJdbcUrl()).isEqualTo(
					"jdbc:postgresql://db.example.invalid:6543/shop?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Flakebase+ca.pem"));
	}

	@Test
	void propertiesBindWithDefaults() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT).run((context) -> {
			LakebaseProperties properties = context.getBean(LakebaseProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getPort()).isEqualTo(5432);
			assertThat(properties.getDatabase()).isEqualTo("databricks_postgres");
			assertThat(new LakebaseProperties().isFailFast()).isTrue();
			assertThat(properties.getSsl().getMode()).isEqualTo(SslMode.VERIFY_FULL);
			assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.getCredential().getTtl()).isNull();
			assertThat(properties.getCredential().getRefreshBefore()).hasMinutes(5);
			assertThat(properties.getCredential().getFetchTimeout()).hasSeconds(10);
			assertThat(properties.getWorkspace().getHttpTimeout()).hasSeconds(10);
		});
	}

	@Test
	void theDataSourceBacksOffForUserDataSourceAndTheBuilderStays() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withUserConfiguration(UserDataSourceConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(DataSource.class)
				.doesNotHaveBean(LakebasePrimaryConnection.class)
				.doesNotHaveBean("lakebaseDataSourceBeanPostProcessor")
				.hasSingleBean(LakebaseDataSourceBuilder.class)
				.hasSingleBean(LakebaseCredentialCache.class));
	}

	@Test
	void theBuilderRefusesAHostThatIsNotAHostName() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT).run((context) -> {
			LakebaseDataSourceBuilder builder = context.getBean(LakebaseDataSourceBuilder.class).name("orders");
			for (String host : List.of("db.example.com:5432", "db.example.com?sslmode=disable", "https://db.example.com")) {
				assertThatIllegalArgumentException().as(host)
					.isThrownBy(() -> builder.host(host))
					.withMessageStartingWith("LakebaseDataSourceBuilder.host(\"" + host + "\"): The host")
					.withMessageContaining("is not a host name or IP address");
			}
			assertThat(builder.host("replica-1.example.com")).isNotNull();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void backsOffForUserJdbcConnectionDetails() {
		Class<Object> type = (Class<Object>) this.line.jdbcConnectionDetails();
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withBean("userJdbcConnectionDetails", type,
					() -> jdbcConnectionDetails("jdbc:postgresql://localhost:15432/test"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(LakebasePrimaryConnection.class);
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(dataSource.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:15432/test");
				assertThat(dataSource.getDataSource()).isNull();
			});
	}

	@Test
	void backsOffForUserWorkspaceClient() {
		this.contextRunner.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withUserConfiguration(UserWorkspaceClientConfiguration.class)
			.run((context) -> assertThat(context).getBean(WorkspaceClient.class)
				.isSameAs(context.getBean("userWorkspaceClient")));
	}

	@Test
	void withoutHikariThenInactive() {
		lakebaseOnly().withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LakebasePrimaryConnection.class));
	}

	@Test
	void withoutTheDatabricksSdkThenInactive() {
		lakebaseOnly().withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withClassLoader(new FilteredClassLoader("com.databricks.sdk"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LakebasePrimaryConnection.class));
	}

	@Test
	void healthIndicatorIsConfiguredWithTheConnector() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "management.health.lakebase.timeout=1500ms")
			.run((context) -> assertThat(context).hasBean("lakebaseHealthIndicator"));
	}

	@Test
	void healthIndicatorBacksOffWhenDisabled() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT, "management.health.lakebase.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("lakebaseHealthIndicator"));
	}

	@Test
	void healthIndicatorBacksOffWithoutTheActuator() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withClassLoader(new FilteredClassLoader(this.line.healthApiPackage()))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("lakebaseHealthIndicator"));
	}

	@Test
	void healthIndicatorBacksOffForOneOfTheUsers() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(this.line.lakebaseHealth()))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withBean("lakebaseHealthIndicator", String.class, () -> "the user's")
			.run((context) -> assertThat(context.getBean("lakebaseHealthIndicator")).isEqualTo("the user's"));
	}

	@Test
	void credentialMetricsAreAListenerOfTheCache() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LakebaseMetricsAutoConfiguration.class))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.run((context) -> assertThat(context).hasSingleBean(LakebaseCredentialMetrics.class));
	}

	@Test
	void withoutMicrometerThenNoCredentialMetrics() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LakebaseMetricsAutoConfiguration.class))
			.withPropertyValues("lakebase.endpoint=" + ENDPOINT)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LakebaseCredentialMetrics.class));
	}

	@Test
	void sanitizingFunctionComesWithTheActuator() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseActuatorAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(LakebaseSanitizingFunction.class));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseActuatorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
			.run((context) -> assertThat(context).doesNotHaveBean(LakebaseSanitizingFunction.class));
	}

	@Test
	void metadataDescribesEveryProperty() throws Exception {
		List<Map<String, Object>> properties = LakebaseMetadata.properties();
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("lakebase.enabled", "lakebase.endpoint", "lakebase.instance", "lakebase.host", "lakebase.port",
					"lakebase.database", "lakebase.username", "lakebase.schema", "lakebase.fail-fast",
					"lakebase.startup-timeout",
					"lakebase.ssl.mode", "lakebase.ssl.root-cert", "lakebase.ssl.cert", "lakebase.ssl.key",
					"lakebase.credential.ttl", "lakebase.credential.refresh-before",
					"lakebase.credential.fetch-timeout", "lakebase.workspace.host", "lakebase.workspace.client-id",
					"lakebase.workspace.client-secret", "lakebase.workspace.token", "lakebase.workspace.profile",
					"lakebase.workspace.config-file", "lakebase.workspace.auth-type",
					"lakebase.workspace.http-timeout", "management.health.lakebase.enabled",
					"management.health.lakebase.timeout");
		assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
		assertThat(properties).filteredOn((property) -> property.get("name").equals("lakebase.port"))
			.singleElement()
			.satisfies((property) -> assertThat(property.get("defaultValue")).isEqualTo(5432));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource userDataSource() {
			return DataSourceBuilder.create().url("jdbc:postgresql://localhost:15432/test").build();
		}

	}


	@Configuration(proxyBeanMethods = false)
	static class UserWorkspaceClientConfiguration {

		@Bean
		WorkspaceClient userWorkspaceClient() {
			// The constructor for mocks: no configuration to resolve, no call.
			return new WorkspaceClient(true);
		}

	}

	// Without Boot's DataSource auto-configuration, which would fail for want of a URL.
	private ApplicationContextRunner lakebaseOnly() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class))
			.withPropertyValues("lakebase.workspace.host=" + CLOSED_WORKSPACE, "lakebase.fail-fast=false");
	}

	// The line's JdbcConnectionDetails, whose package differs between the lines.
	private Object jdbcConnectionDetails(String url) {
		Class<?> type = this.line.jdbcConnectionDetails();
		return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, arguments) -> {
			return switch (method.getName()) {
				case "getJdbcUrl" -> url;
				case "getUsername", "getPassword" -> "test";
				case "getDriverClassName" -> "org.postgresql.Driver";
				case "toString" -> "userJdbcConnectionDetails";
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == arguments[0];
				default -> null;
			};
		});
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
