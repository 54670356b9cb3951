package io.lakebase.spring.autoconfigure;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.r2dbc.LakebaseR2dbc;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

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

	@Bean(defaultCandidate = false)
	LakebaseConnector lakebaseR2dbcConnector(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseCredentialCache credentials,
			LakebaseProperties properties, Environment environment, LakebaseDataSources dataSources) {
		LakebaseConnectionSettings settings = connectionDetails.getSettings();
		ConflictingConnectionProperties.R2DBC.check(environment, "lakebase." + settings.target().kind());
		// Boot applies spring.r2dbc.properties.* after the connection details' options: one could
		// replace the TLS options Lakebase set.
		ConflictingConnectionProperties.checkTls(environment, "spring.r2dbc.properties");
		LakebaseConnector connector = LakebaseStartupCheck.connector(settings, workspaceClient::getObject, credentials,
				properties, (failure) -> false);
		dataSources.r2dbc(connector);
		return connector;
	}

	@Bean
	ConnectionFactoryDecorator lakebaseR2dbcConnectionFactoryDecorator(
			@Qualifier("lakebaseR2dbcConnector") LakebaseConnector connector) {
		return (driver) -> LakebaseR2dbc.connectionFactory(driver, connector);
	}

}
