package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;

/**
 * The core's pipeline put together as an application would, for tests: a resolver, the
 * credential cache of the identity, a login data source, its health check and startup check.
 */
final class TestPipeline implements AutoCloseable {

	private final LakebaseResolver resolver;

	private final LakebaseCredentialCache credentials;

	private final LakebaseLoginDataSource logins;

	private final LakebaseHealthCheck health;

	TestPipeline(LakebaseConnectionSettings settings, Supplier<WorkspaceClient> workspaceClient) {
		this.resolver = new LakebaseResolver(settings, workspaceClient);
		this.credentials = LakebaseCredentialCache.builder(LakebaseCredentialSource.forTarget(settings.target(),
				workspaceClient, LakebaseCredentialSource.MAXIMUM_LIFETIME)).build();
		this.logins = new LakebaseLoginDataSource(this.resolver, this.credentials);
		this.health = new LakebaseHealthCheck(this.logins);
	}

	LakebaseResolver resolver() {
		return this.resolver;
	}

	LakebaseCredentialCache credentials() {
		return this.credentials;
	}

	LakebaseLoginDataSource dataSource() {
		return this.logins;
	}

	LakebaseConnectionInfo resolve() {
		return this.resolver.resolve();
	}

	String jdbcUrl() {
		return this.resolver.jdbcUrl();
	}

	LakebaseConnectionInfo verify(Duration timeout) {
		return LakebaseStartupCheck.verify(this.logins, timeout);
	}

	LakebaseHealth health(Duration timeout) {
		return this.health.check(timeout);
	}

	Connection connection() throws SQLException {
		return this.logins.getConnection();
	}

	@Override
	public void close() {
		this.credentials.close();
		this.resolver.close();
	}

}
