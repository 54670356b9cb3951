package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Obtains a credential and opens one connection as soon as the {@code DataSource} exists, before
 * anything else (a schema migration, say) uses it, so that a wrong endpoint, identity or role
 * fails the start with a report naming the fix instead of failing the first request.
 */
final class LakebaseStartupCheck {

	private static final Log logger = LogFactory.getLog(LakebaseStartupCheck.class);

	private final LakebaseCredentialCache cache;

	private final LakebaseConnectionDetails details;

	private final DatabricksConfig workspaceConfig;

	LakebaseStartupCheck(LakebaseCredentialCache cache, LakebaseConnectionDetails details,
			DatabricksConfig workspaceConfig) {
		this.cache = cache;
		this.details = details;
		this.workspaceConfig = workspaceConfig;
	}

	void check(DataSource dataSource) {
		LakebaseTarget target = this.details.getTarget();
		try {
			this.cache.get();
		}
		catch (LakebaseCredentialException ex) {
			throw LakebaseDiscovery.workspaceFailure(this.workspaceConfig, target,
					"Could not obtain a database credential for " + target.name() + ": " + ex.getMessage(), ex);
		}
		try (Connection connection = dataSource.getConnection()) {
			// Identifiers stay at DEBUG: INFO logs are often shipped to shared systems.
			if (logger.isDebugEnabled()) {
				logger.debug("Connected to Lakebase " + target.name() + " at " + this.details.getHost() + " as "
						+ this.details.getUsername());
			}
		}
		catch (SQLException | RuntimeException ex) {
			// Hikari wraps a failed first login in a PoolInitializationException.
			throw new LakebaseConnectionException(target, this.details.getHost(), this.details.getPort(),
					this.details.getDatabase(), this.details.getUsername(), ex);
		}
	}

}
