package io.lakebase.spring.benchmarks;

import java.time.Duration;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Builds variant A the way the Databricks guide does: a workspace client and a Hikari pool over a
 * {@link GuideDataSource}, with a 45 minute {@code maxLifetime}.
 */
final class GuidePattern {

	static final Duration MAX_LIFETIME = Duration.ofMinutes(45);

	private GuidePattern() {
	}

	/**
	 * Creates a workspace client for a service principal. The auth type is explicit so that a
	 * {@code DATABRICKS_*} variable of the machine cannot add a second authentication method.
	 * @param workspaceUrl the workspace URL
	 * @param clientId the service principal's client id
	 * @param clientSecret its OAuth secret
	 * @return the client
	 */
	static WorkspaceClient workspaceClient(String workspaceUrl, String clientId, String clientSecret) {
		return new WorkspaceClient(new DatabricksConfig().setHost(workspaceUrl)
			.setClientId(clientId)
			.setClientSecret(clientSecret)
			.setAuthType("oauth-m2m")
			// The starter's default, so that A and B wait on the API alike.
			.setHttpTimeoutSeconds(10));
	}

	/**
	 * Creates the pool. Like Boot's, it starts on the first {@code getConnection()}.
	 * @param workspaceClient the client that fetches credentials
	 * @param endpoint the endpoint to ask credentials for
	 * @param host the database host
	 * @param port the database port
	 * @param database the database
	 * @param username the Postgres role (the service principal's client id)
	 * @param rootCert the PEM file of the CA that signed the server's certificate
	 * @param poolSize the pool size
	 * @return the pool, not started
	 */
	static HikariDataSource dataSource(WorkspaceClient workspaceClient, String endpoint, String host, int port,
			String database, String username, String rootCert, int poolSize) {
		GuideDataSource credentialing = new GuideDataSource(workspaceClient, endpoint, username);
		credentialing.setServerNames(new String[] { host });
		credentialing.setPortNumbers(new int[] { port });
		credentialing.setDatabaseName(database);
		credentialing.setSslMode(ConnectionTarget.SSL_MODE);
		credentialing.setSslRootCert(rootCert);
		HikariDataSource pool = new HikariDataSource();
		pool.setDataSource(credentialing);
		pool.setPoolName(Variant.GUIDE.poolName());
		pool.setMaximumPoolSize(poolSize);
		pool.setMaxLifetime(MAX_LIFETIME.toMillis());
		return pool;
	}

}
