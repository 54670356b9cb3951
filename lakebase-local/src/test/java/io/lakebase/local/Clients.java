package io.lakebase.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.service.postgres.CreateEndpointRequest;
import com.databricks.sdk.service.postgres.EndpointSpec;
import com.databricks.sdk.service.postgres.EndpointType;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;

/**
 * Real clients for tests: the Databricks SDK and PgJDBC, configured for a local Lakebase.
 */
final class Clients {

	private Clients() {
	}

	static WorkspaceClient servicePrincipal(LocalLakebase lakebase, String clientId, String clientSecret) {
		return new WorkspaceClient(new DatabricksConfig().setHost(lakebase.workspaceUrl())
			.setClientId(clientId)
			.setClientSecret(clientSecret)
			.setAuthType("oauth-m2m")
			.setHttpTimeoutSeconds(10));
	}

	static WorkspaceClient servicePrincipal(LocalLakebase lakebase, Identity identity) {
		return servicePrincipal(lakebase, identity.name(), identity.secret());
	}

	static WorkspaceClient personalAccessToken(LocalLakebase lakebase, String token) {
		return new WorkspaceClient(new DatabricksConfig().setHost(lakebase.workspaceUrl())
			.setToken(token)
			.setAuthType("pat")
			.setHttpTimeoutSeconds(10));
	}

	static Connection connect(LocalLakebase lakebase, String user, String password, String sslMode)
			throws SQLException {
		return connect(lakebase, "127.0.0.1", user, password, sslMode);
	}

	static Connection connect(LocalLakebase lakebase, String host, String user, String password, String sslMode)
			throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		properties.setProperty("sslmode", sslMode);
		properties.setProperty("connectTimeout", "10");
		if (sslMode.startsWith("verify")) {
			properties.setProperty("sslrootcert", lakebase.caCertificate().toString());
		}
		String url = "jdbc:postgresql://" + host + ":" + lakebase.port() + "/" + lakebase.database();
		return DriverManager.getConnection(url, properties);
	}

	static String[] whoAmI(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user, current_database()")) {
			result.next();
			return new String[] { result.getString(1), result.getString(2) };
		}
	}

	static com.databricks.sdk.service.postgres.Endpoint createEndpoint(WorkspaceClient workspace, String branch,
			String id) throws Exception {
		return workspace.postgres()
			.createEndpoint(new CreateEndpointRequest().setParent(branch)
				.setEndpointId(id)
				.setEndpoint(new com.databricks.sdk.service.postgres.Endpoint()
					.setSpec(new EndpointSpec().setEndpointType(EndpointType.ENDPOINT_TYPE_READ_WRITE))))
			.waitForCompletion();
	}

	static String credential(WorkspaceClient workspace, String endpoint) {
		return workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(endpoint))
			.getToken();
	}

	static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static long count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

}
