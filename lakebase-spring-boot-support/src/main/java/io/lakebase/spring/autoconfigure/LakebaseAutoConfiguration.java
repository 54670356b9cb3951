package io.lakebase.spring.autoconfigure;

import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialListener;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseObserver;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseWorkspaceClients;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.spring.autoconfigure.aot.LakebaseRuntimeHints;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for Databricks Lakebase, a one-way pipeline: the validated settings
 * ({@link LakebaseConnectionDetails}), a {@link WorkspaceClient}, the credential cache of its identity
 * (made by {@link LakebaseCredentialCaches}), a {@link LakebaseResolver} that looks the connection up
 * once, the auto-configured data source's connection checked at startup, and the post-processor that
 * gives Boot's own Hikari {@code DataSource} a login data source on it; each Spring Boot line's
 * {@code LakebaseJdbcAutoConfiguration} adds the JDBC connection details the pool is built from.
 * Active when {@code lakebase.endpoint} or {@code lakebase.instance} is set. When the application
 * defines its own {@link DataSource} or {@code JdbcConnectionDetails} (a Testcontainers service
 * connection, say), the auto-configured data source backs off, saying so once at INFO; the
 * workspace client, the credential cache and the {@link LakebaseDataSourceBuilder} stay, for the
 * application's own Lakebase data sources. None of them calls the workspace until used.
 * <p>
 * Shared by the Spring Boot 3.5 and 4.x lines: Boot's JDBC classes, whose packages differ between
 * the lines, are named rather than referenced; the name of the other line matches nothing.
 */
@AutoConfiguration(beforeName = { LakebaseAutoConfiguration.BOOT4_DATA_SOURCE_AUTO_CONFIGURATION,
		LakebaseAutoConfiguration.BOOT3_DATA_SOURCE_AUTO_CONFIGURATION })
@ConditionalOnClass({ WorkspaceClient.class, HikariDataSource.class, org.postgresql.Driver.class })
@Conditional(OnLakebaseTargetCondition.class)
@EnableConfigurationProperties(LakebaseProperties.class)
@ImportRuntimeHints(LakebaseRuntimeHints.class)
public final class LakebaseAutoConfiguration {

	static final String BOOT4_DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	static final String BOOT3_DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration";

	static final String BOOT4_JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

	static final String BOOT3_JDBC_CONNECTION_DETAILS = "org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails";

	@Bean
	@ConditionalOnMissingBean
	LakebaseConnectionDetails lakebaseConnectionDetails(LakebaseProperties properties, Environment environment) {
		// A typo leaves a setting at its default without a word: say so before anything else.
		LakebasePropertyNames.warnUnknown(environment);
		properties.validate();
		// Validated here, before any network call.
		return new PropertiesLakebaseConnectionDetails(properties);
	}

	// Lazy: building a client already calls the workspace, which a start with
	// lakebase.fail-fast=false must not do.
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	WorkspaceClient lakebaseWorkspaceClient(LakebaseProperties properties, LakebaseConnectionDetails connectionDetails) {
		LakebaseProperties.Workspace workspace = properties.getWorkspace();
		DatabricksConfig config = new DatabricksConfig();
		// Unset values stay null: the SDK then fills them from the environment and ~/.databrickscfg.
		PropertyMapper map = PropertyMapper.get();
		map.from(workspace::getHost).whenHasText().to(config::setHost);
		map.from(workspace::getClientId).whenHasText().to(config::setClientId);
		map.from(workspace::getClientSecret).whenHasText().to(config::setClientSecret);
		map.from(workspace::getToken).whenHasText().to(config::setToken);
		map.from(workspace::getProfile).whenHasText().to(config::setProfile);
		map.from(workspace::getConfigFile).whenHasText().to(config::setConfigFile);
		map.from(workspace::getAuthType).whenHasText().to(config::setAuthType);
		// The SDK waits 300 s by default: far too long on a connection path.
		config.setHttpTimeoutSeconds((int) Math.max(1, workspace.getHttpTimeout().toSeconds()));
		try {
			return LakebaseWorkspaceClients.create(config, connectionDetails.getSettings().target());
		}
		catch (LakebaseConfigurationException ex) {
			throw LakebasePropertyFailures.of(ex);
		}
	}

	@Bean
	LakebaseCredentialCaches lakebaseCredentialCaches(LakebaseProperties properties,
			ObjectProvider<LakebaseCredentialListener> listeners, ObjectProvider<LakebaseObserver> observer) {
		return new LakebaseCredentialCaches(properties, listeners.orderedStream().toList(),
				observer.getIfAvailable(() -> LakebaseObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseCredentialCache lakebaseCredentialCache(LakebaseCredentialCaches caches,
			LakebaseConnectionDetails connectionDetails, ObjectProvider<WorkspaceClient> workspaceClient) {
		return caches.application(workspaceClient::getObject, connectionDetails.getSettings().target());
	}

	// The application's connection, resolved once for JDBC and R2DBC alike.
	@Bean
	@ConditionalOnMissingBean
	LakebaseResolver lakebaseResolver(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseCredentialCaches caches) {
		return new LakebaseResolver(connectionDetails.getSettings(), workspaceClient::getObject, caches.observer());
	}

	/**
	 * Returns the credential lifetime to request: {@code lakebase.credential.ttl}, else one hour.
	 * @throws InvalidConfigurationPropertyValueException when it is set for a Provisioned instance,
	 * whose credential API takes no lifetime
	 */
	static Duration credentialTtl(LakebaseProperties.Credential credential, LakebaseTarget target) {
		Duration ttl = credential.getTtl();
		if (ttl == null) {
			return LakebaseCredentialSource.MAXIMUM_LIFETIME;
		}
		if (target.flavour() == LakebaseTarget.Flavour.PROVISIONED) {
			throw new InvalidConfigurationPropertyValueException("lakebase.credential.ttl", ttl.toString(),
					"A credential lifetime applies to Autoscaling endpoints only: the Provisioned credential API "
							+ "takes none, and its credentials always last one hour. Remove lakebase.credential.ttl.");
		}
		return ttl;
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseDataSourceBuilder lakebaseDataSourceBuilder(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, ObjectProvider<LakebaseCredentialCache> credentials,
			LakebaseCredentialCaches caches, LakebaseProperties properties) {
		return new LakebaseDataSourceBuilder(connectionDetails.getSettings(), workspaceClient::getObject,
				credentials::getObject, caches, properties);
	}

	@Bean
	LakebaseBackOffReport lakebaseBackOffReport(ObjectProvider<LakebasePrimaryConnection> primary,
			LakebaseConnectionDetails connectionDetails, ListableBeanFactory beanFactory) {
		return new LakebaseBackOffReport(primary, connectionDetails.getSettings().target(), beanFactory);
	}

	/**
	 * The auto-configured Lakebase {@code dataSource}, unless the application defines its own
	 * {@link DataSource} or {@code JdbcConnectionDetails}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(type = { "javax.sql.DataSource", LakebaseAutoConfiguration.BOOT4_JDBC_CONNECTION_DETAILS,
			LakebaseAutoConfiguration.BOOT3_JDBC_CONNECTION_DETAILS })
	@Import(LakebaseReadOnlyConfiguration.class)
	static class PrimaryDataSourceConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LakebasePrimaryConnection lakebasePrimaryConnection(LakebaseResolver resolver,
				LakebaseCredentialCache credentials, LakebaseProperties properties, Environment environment) {
			ConflictingConnectionProperties.JDBC.check(environment, "lakebase." + resolver.target().kind());
			// Before the startup check logs in: the pool would take these over.
			ConflictingConnectionProperties.checkTls(environment, "spring.datasource.hikari.data-source-properties");
			if (properties.isPooled()) {
				PooledSessionState.refuse(environment);
			}
			LakebasePrimaryConnection connection = new LakebasePrimaryConnection(resolver, credentials);
			LakebaseFailFast.check(connection.loginDataSource(new Properties()), properties, (failure) -> false);
			return connection;
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "lakebase.fail-fast", matchIfMissing = true)
		LakebaseSchemaCheck lakebaseSchemaCheck(LakebaseConnectionDetails connectionDetails, BeanFactory beanFactory) {
			return new LakebaseSchemaCheck(connectionDetails.getSettings(), beanFactory);
		}

		@Bean
		static LakebaseDataSourceBeanPostProcessor lakebaseDataSourceBeanPostProcessor(
				ObjectProvider<LakebasePrimaryConnection> connection, ObjectProvider<LakebaseProperties> properties,
				ObjectProvider<LakebaseReadOnlyRouting> readOnlyRouting, Environment environment) {
			return new LakebaseDataSourceBeanPostProcessor(connection, properties, readOnlyRouting, environment);
		}

	}

}
