package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.r2dbc.LakebaseR2dbc;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * R2DBC on Lakebase, when r2dbc-postgresql and Spring Boot's R2DBC support are present: the
 * decorator that makes the driver's connection factory (under Boot's pool,
 * {@code spring.r2dbc.pool.*}) log in with the application's credential, on the connection the JDBC
 * side resolved too (one lookup, one startup check for both). Imported by each Spring Boot line's {@code LakebaseR2dbcAutoConfiguration}, which adds
 * the {@code R2dbcConnectionDetails} and backs off when the application defines its own
 * {@code ConnectionFactory} or {@code R2dbcConnectionDetails}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "io.r2dbc.postgresql.PostgresqlConnectionFactory",
		"org.springframework.boot.r2dbc.ConnectionFactoryDecorator" })
public class LakebaseR2dbcConfiguration {

	@Bean
	ConnectionFactoryDecorator lakebaseR2dbcConnectionFactoryDecorator(LakebaseResolver resolver,
			LakebaseCredentialCache credentials, ObjectProvider<LakebasePrimaryConnection> primary,
			LakebaseProperties properties, Environment environment) {
		ConflictingConnectionProperties.R2DBC.check(environment, "lakebase." + resolver.target().kind());
		// Boot applies spring.r2dbc.properties.* after the connection details' options: one could
		// replace the TLS options Lakebase set.
		ConflictingConnectionProperties.checkTls(environment, "spring.r2dbc.properties");
		if (primary.getIfAvailable() == null) {
			// No JDBC data source of the starter's made the startup check: make it here.
			LakebaseFailFast.check(new LakebaseLoginDataSource(resolver, credentials), properties, (failure) -> false);
		}
		return (driver) -> LakebaseR2dbc.connectionFactory(driver, resolver, credentials);
	}

}
