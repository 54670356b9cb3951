package io.lakebase.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.spring.autoconfigure.credential.AutoscalingCredentialSource;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialListener;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialSource;
import io.lakebase.spring.autoconfigure.credential.ProvisionedCredentialSource;

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
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for Databricks Lakebase: a {@link WorkspaceClient}, a cached source of
 * short-lived database credentials, and the connection details that make Boot's own Hikari
 * {@code DataSource} log in with them. Active when {@code lakebase.endpoint} or
 * {@code lakebase.instance} is set; backs off entirely when the application defines its own
 * {@link DataSource} or {@link JdbcConnectionDetails} (a Testcontainers service connection, say).
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ WorkspaceClient.class, HikariDataSource.class, org.postgresql.Driver.class })
@ConditionalOnBooleanProperty(name = "lakebase.enabled", matchIfMissing = true)
@Conditional(OnLakebaseTargetCondition.class)
@ConditionalOnMissingBean({ DataSource.class, JdbcConnectionDetails.class })
@EnableConfigurationProperties(LakebaseProperties.class)
public final class LakebaseAutoConfiguration {

	static final Duration MIN_TTL = Duration.ofMinutes(5);

	static final Duration MAX_TTL = Duration.ofHours(1);

	@Bean
	@ConditionalOnMissingBean
	WorkspaceClient lakebaseWorkspaceClient(LakebaseProperties properties) {
		// Checked before the client makes its first network call.
		LakebaseTarget target = LakebaseTarget.from(properties);
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
			throw LakebaseDiscovery.workspaceFailure(config, target,
					"Could not configure the Databricks workspace client: " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseConnectionDetails lakebaseConnectionDetails(LakebaseProperties properties, WorkspaceClient workspaceClient) {
		return new PropertiesLakebaseConnectionDetails(properties, LakebaseTarget.from(properties), workspaceClient);
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseCredentialSource lakebaseCredentialSource(LakebaseProperties properties,
			LakebaseConnectionDetails connectionDetails, WorkspaceClient workspaceClient) {
		LakebaseTarget target = connectionDetails.getTarget();
		if (target.flavour() == LakebaseTarget.Flavour.PROVISIONED) {
			return new ProvisionedCredentialSource(workspaceClient, target.name(), Clock.systemUTC());
		}
		Duration ttl = properties.getCredential().getTtl();
		if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
			throw new InvalidLakebasePropertyException("lakebase.credential.ttl", ttl.toString(),
					"The credential lifetime " + ttl + " is outside what Lakebase issues (5 minutes to 1 hour)",
					"Set lakebase.credential.ttl between 5m and 1h, or remove it to get 1h.");
		}
		return new AutoscalingCredentialSource(workspaceClient, target.name(), ttl, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	LakebaseCredentialCache lakebaseCredentialCache(LakebaseCredentialSource source, LakebaseProperties properties,
			ObjectProvider<LakebaseCredentialListener> listeners) {
		LakebaseProperties.Credential credential = properties.getCredential();
		return new LakebaseCredentialCache(source, credential.getRefreshBefore(), credential.getFetchTimeout(),
				Clock.systemUTC(), listeners.orderedStream().toList());
	}

	@Bean
	JdbcConnectionDetails lakebaseJdbcConnectionDetails(LakebaseConnectionDetails connectionDetails,
			LakebaseProperties properties) {
		return new LakebaseJdbcConnectionDetails(connectionDetails, properties);
	}

	@Bean
	static LakebaseDataSourceBeanPostProcessor lakebaseDataSourceBeanPostProcessor(
			ObjectProvider<LakebaseConnectionDetails> connectionDetails, ObjectProvider<LakebaseCredentialCache> cache,
			ObjectProvider<LakebaseStartupCheck> startupCheck, Environment environment) {
		return new LakebaseDataSourceBeanPostProcessor(connectionDetails, cache, startupCheck, environment);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "lakebase.fail-fast", matchIfMissing = true)
	LakebaseStartupCheck lakebaseStartupCheck(LakebaseCredentialCache cache,
			LakebaseConnectionDetails connectionDetails, WorkspaceClient workspaceClient) {
		return new LakebaseStartupCheck(cache, connectionDetails, workspaceClient.config());
	}

}
