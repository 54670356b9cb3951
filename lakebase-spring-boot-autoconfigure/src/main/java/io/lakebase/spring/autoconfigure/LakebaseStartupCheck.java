package io.lakebase.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Obtains a credential and opens one connection once the context is built, so that a wrong
 * endpoint, identity or role fails the start with a clear report instead of the first request.
 */
final class LakebaseStartupCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(LakebaseStartupCheck.class);

	private final LakebaseCredentialCache cache;

	private final LakebaseConnectionDetails details;

	private final ObjectProvider<DataSource> dataSource;

	LakebaseStartupCheck(LakebaseCredentialCache cache, LakebaseConnectionDetails details,
			ObjectProvider<DataSource> dataSource) {
		this.cache = cache;
		this.details = details;
		this.dataSource = dataSource;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.cache.get();
		DataSource dataSource = this.dataSource.getIfUnique();
		if (dataSource == null) {
			return;
		}
		try (Connection connection = dataSource.getConnection()) {
			// Identifiers stay at DEBUG: INFO logs are often shipped to shared systems.
			if (logger.isDebugEnabled()) {
				logger.debug("Connected to Lakebase " + this.details.getTarget().name() + " at "
						+ this.details.getHost() + " as " + this.details.getUsername());
			}
		}
		catch (SQLException | RuntimeException ex) {
			// Hikari wraps a failed first login in a PoolInitializationException.
			throw new LakebaseConnectionException("Could not open a connection to Lakebase "
					+ this.details.getTarget().name() + " at " + this.details.getHost() + ":" + this.details.getPort()
					+ " as '" + this.details.getUsername() + "': " + rootMessage(ex), ex);
		}
	}

	private static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

}
