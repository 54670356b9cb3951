package io.lakebase.spring.autoconfigure;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialListener;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseWorkspaceException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for Databricks Lakebase: a {@link WorkspaceClient}, a cached source of
 * short-lived database credentials, a {@link LakebaseConnector}, and the connection details that
 * make Boot's own Hikari {@code DataSource} log in through it. Active when
 * {@code lakebase.endpoint} or {@code lakebase.instance} is set; backs off entirely when the
 * application defines its own {@link DataSource} or {@link JdbcConnectionDetails} (a
 * Testcontainers service connection, say).
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ WorkspaceClient.class, HikariDataSource.class, org.postgresql.Driver.class })
@ConditionalOnBooleanProperty(name = "lakebase.enabled", matchIfMissing = true)
@Conditional(OnLakebaseTargetCondition.class)
@ConditionalOnMissingBean({ DataSource.class, JdbcConnectionDetails.class })
@EnableConfigurationProperties(LakebaseProperties.class)
public final class LakebaseAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LakebaseConnectionDetails lakebaseConnectionDetails(LakebaseProperties properties) {
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
		// Set explicitly so that DATABRICKS_DEBUG_HEADERS cannot put bearer tokens into DEBUG logs.
		config.setDebugHeaders(false);
		try {
			return new WorkspaceClient(config);
		}
		catch (RuntimeException ex) {
			throw LakebaseWorkspaceException.of(config, connectionDetails.getSettings().target(),
					"Could not configure the Databricks workspace client: " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseCredentialCache lakebaseCredentialCache(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseProperties properties,
			ObjectProvider<LakebaseCredentialListener> listeners) {
		LakebaseProperties.Credential credential = properties.getCredential();
		LakebaseCredentialSource source = LakebaseCredentialSource.forTarget(connectionDetails.getSettings().target(),
				workspaceClient::getObject, credential.getTtl());
		return LakebaseCredentialCache.builder(source)
			.refreshBefore(credential.getRefreshBefore())
			.fetchTimeout(credential.getFetchTimeout())
			.listeners(listeners.orderedStream().toList())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseConnector lakebaseConnector(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseCredentialCache credentials,
			LakebaseProperties properties) {
		LakebaseConnectionSettings settings = connectionDetails.getSettings();
		LakebaseConnector connector = LakebaseConnector.builder(settings)
			.workspaceClient(workspaceClient::getObject)
			.credentials(credentials)
			.build();
		if (properties.isFailFast()) {
			// The startup check, before the DataSource exists and so before anything (a schema
			// migration, say) uses it: a misconfiguration fails the start with a report.
			try {
				connector.verify(properties.getStartupTimeout());
			}
			catch (RuntimeException ex) {
				connector.close();
				throw ex;
			}
		}
		return connector;
	}

	@Bean
	JdbcConnectionDetails lakebaseJdbcConnectionDetails(LakebaseConnector connector) {
		return new LakebaseJdbcConnectionDetails(connector);
	}

	@Bean
	static LakebaseDataSourceBeanPostProcessor lakebaseDataSourceBeanPostProcessor(
			ObjectProvider<LakebaseConnector> connector, Environment environment) {
		return new LakebaseDataSourceBeanPostProcessor(connector, environment);
	}

}
