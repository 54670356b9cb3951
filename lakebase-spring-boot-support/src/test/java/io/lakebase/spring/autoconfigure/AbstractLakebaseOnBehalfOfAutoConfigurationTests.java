package io.lakebase.spring.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;

import java.util.Map;

import javax.sql.DataSource;

import io.lakebase.jdbc.LakebaseUserDataSource;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.jdbc.LakebaseUserTokenSource;
import io.lakebase.spring.autoconfigure.onbehalfof.LakebaseOnBehalfOfAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring tests of connections on behalf of users, without any server: nothing is looked up or
 * logged in to while the context starts. Run on each Spring Boot line by a subclass.
 */
public abstract class AbstractLakebaseOnBehalfOfAutoConfigurationTests {

	private static final String ENDPOINT = "projects/shop/branches/production/endpoints/primary";

	private final SpringBootLine line;

	private final String[] properties = { "lakebase.endpoint=" + ENDPOINT,
			"lakebase.workspace.host=http://127.0.0.1:" + closedPort(), "lakebase.workspace.token=dapi-test",
			"lakebase.host=db.example.invalid", "lakebase.username=app-client-id", "lakebase.fail-fast=false" };

	private final WebApplicationContextRunner contextRunner;

	protected AbstractLakebaseOnBehalfOfAutoConfigurationTests(SpringBootLine line) {
		this.line = line;
		this.contextRunner = new WebApplicationContextRunner().withConfiguration(line.lakebaseDataSource())
			.withConfiguration(AutoConfigurations.of(LakebaseOnBehalfOfAutoConfiguration.class))
			.withPropertyValues(this.properties);
	}

	@Test
	void whenNotEnabledThenNoUserDataSource() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(LakebaseUserPools.class)
			.doesNotHaveBean("lakebaseUserDataSource"));
	}

	@Test
	void whenEnabledThenAUserDataSourceThatIsNotTheDefaultCandidate() {
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LakebaseUserPools.class);
			assertThat(context.getBean("lakebaseUserDataSource")).isInstanceOf(LakebaseUserDataSource.class);
			// By type, a DataSource is still the application's own.
			assertThat(context.getBean(DataSource.class)).isNotInstanceOf(LakebaseUserDataSource.class);
			assertThat(context.getBean("lakebaseUserTokenSource", LakebaseUserTokenSource.class))
				.hasToString("[the X-Forwarded-Access-Token request header]");
		});
	}

	@Test
	void theEnvironmentVariableOfTheIssueEnablesIt() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("LAKEBASE_ONBEHALFOF_ENABLED", "true"))))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LakebaseUserPools.class));
	}

	@Test
	void whenEnabledWithoutAnEndpointOrInstanceThenContextFailsNamingThem() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LakebaseAutoConfiguration.class,
					LakebaseOnBehalfOfAutoConfiguration.class))
			.withPropertyValues("lakebase.on-behalf-of.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Neither lakebase.endpoint nor lakebase.instance is set"));
	}

	@Test
	void whenTokenExchangeIsChosenWithoutSpringSecurityThenContextFailsNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractOAuth2Token.class))
			.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.token-sources=token-exchange")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.token-sources"))
				.hasMessageContaining("spring-boot-starter-oauth2-resource-server"));
	}

	@Test
	void whenTheForwardedHeaderIsChosenOutsideAServletApplicationThenContextFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(this.line.lakebaseDataSource())
			.withConfiguration(AutoConfigurations.of(LakebaseOnBehalfOfAutoConfiguration.class))
			.withPropertyValues(this.properties)
			.withClassLoader(new FilteredClassLoader("jakarta.servlet"))
			.withPropertyValues("lakebase.on-behalf-of.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.token-sources")));
	}

	@Test
	void whenNoTokenSourceIsSetThenContextFails() {
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.token-sources=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("lakebase.on-behalf-of.token-sources"));
	}

	@Test
	void whenTheConnectionCapIsBelowOnePoolThenContextFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.max-pool-size=5",
					"lakebase.on-behalf-of.max-connections=2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.max-connections")));
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.max-users=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.max-users")));
	}

	@Test
	void whenAPoolSizeOrTimeoutIsOutOfRangeThenContextFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.max-pool-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.max-pool-size")));
		this.contextRunner
			.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.connection-timeout=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.connection-timeout")));
	}

	@Test
	void whenATokenSourceIsUnknownThenContextFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.token-sources=header")
			.run((context) -> {
				// Boot's bind failure report names the property and lists the values it takes.
				assertThat(context).hasFailed();
				BindException bind = findBindException(context.getStartupFailure());
				assertThat(bind).isNotNull();
				assertThat(bind.getName().toString()).startsWith("lakebase.on-behalf-of.token-sources");
			});
	}

	@Test
	void whenTheTokenExchangeHasNoScopeThenContextFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.token-sources=token-exchange",
					"lakebase.on-behalf-of.token-exchange.scopes=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.token-exchange.scopes")));
	}

	@Test
	void whenTheIdleTimeoutIsNotPositiveThenContextFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true", "lakebase.on-behalf-of.idle-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("lakebase.on-behalf-of.idle-timeout")));
	}

	@Test
	void whenTheApplicationDefinesTheUserDataSourceThenItBacksOff() {
		this.contextRunner.withPropertyValues("lakebase.on-behalf-of.enabled=true")
			.withBean("lakebaseUserDataSource", LakebaseUserDataSource.class,
					() -> new LakebaseUserDataSource(org.mockito.Mockito.mock(LakebaseUserPools.class), () -> null),
					(definition) -> ((AbstractBeanDefinition) definition).setDefaultCandidate(false))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean("lakebaseUserDataSource")
				.satisfies((dataSource) -> assertThat(((LakebaseUserDataSource) dataSource).pools())
					.isNotSameAs(context.getBean(LakebaseUserPools.class))));
	}

	private static BindException findBindException(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException bind) {
				return bind;
			}
		}
		return null;
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
