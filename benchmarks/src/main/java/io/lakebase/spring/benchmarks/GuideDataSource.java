package io.lakebase.spring.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The data source of the Databricks guide: every physical connection asks the credential API for
 * a new database credential and logs in with it. Nothing is cached, so the pool pays one API
 * round trip per connection it opens.
 */
final class GuideDataSource extends PGSimpleDataSource {

	private final transient WorkspaceClient workspaceClient;

	private final String endpoint;

	private final String username;

	GuideDataSource(WorkspaceClient workspaceClient, String endpoint, String username) {
		this.workspaceClient = workspaceClient;
		this.endpoint = endpoint;
		this.username = username;
	}

	@Override
	public Connection getConnection() throws SQLException {
		DatabaseCredential credential = this.workspaceClient.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(this.endpoint));
		return getConnection(this.username, credential.getToken());
	}

}
