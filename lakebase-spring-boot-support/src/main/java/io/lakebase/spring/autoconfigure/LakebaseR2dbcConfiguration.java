package io.lakebase.spring.autoconfigure;

import java.util.List;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.r2dbc.LakebaseR2dbc;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * R2DBC on Lakebase, when r2dbc-postgresql and Spring Boot's R2DBC support are present: a connector
 * of its own (for health), sharing the application's credential cache with JDBC, and the decorator
 * that makes the driver's connection factory (under Boot's pool, {@code spring.r2dbc.pool.*}) log in
 * with it. Imported by each Spring Boot line's {@code LakebaseR2dbcAutoConfiguration}, which adds
 * the {@code R2dbcConnectionDetails} and backs off when the application defines its own
 * {@code ConnectionFactory} or {@code R2dbcConnectionDetails}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "io.r2dbc.postgresql.PostgresqlConnectionFactory",
		"org.springframework.boot.r2dbc.ConnectionFactoryDecorator" })
class LakebaseR2dbcConfiguration {

	private static final List<String> CONNECTION_PROPERTIES = List.of("spring.r2dbc.url", "spring.r2dbc.username",
			"spring.r2dbc.password");

	@Bean(defaultCandidate = false)
	LakebaseConnector lakebaseR2dbcConnector(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseCredentialCache credentials,
			LakebaseProperties properties, Environment environment, LakebaseDataSources dataSources) {
		checkNoR2dbcConnectionProperties(environment, "lakebase." + connectionDetails.getSettings().target().kind());
		LakebaseConnector connector = LakebaseConnector.builder(connectionDetails.getSettings())
			.workspaceClient(workspaceClient::getObject)
			.credentials(credentials)
			.build();
		LakebaseStartupCheck.run(connector, properties, (failure) -> false);
		dataSources.r2dbc(connector);
		return connector;
	}

	@Bean
	ConnectionFactoryDecorator lakebaseR2dbcConnectionFactoryDecorator(
			@Qualifier("lakebaseR2dbcConnector") LakebaseConnector connector) {
		return (driver) -> LakebaseR2dbc.connectionFactory(driver, connector);
	}

	// As for spring.datasource.*: Boot's R2DBC connection would silently ignore them.
	private static void checkNoR2dbcConnectionProperties(Environment environment, String target) {
		for (String name : CONNECTION_PROPERTIES) {
			if (StringUtils.hasText(environment.getProperty(name))) {
				String value = name.endsWith("password") ? "******" : environment.getProperty(name);
				throw new InvalidConfigurationPropertyValueException(name, value, name + " is set, and so is " + target
						+ ": the Lakebase connection wins, and spring.r2dbc.url, username and password are not used "
						+ "while it is active. Remove them to connect to Lakebase, or set lakebase.enabled=false to "
						+ "connect with spring.r2dbc.* instead.");
			}
		}
	}

}
