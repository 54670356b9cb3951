package io.lakebase.r2dbc;

import java.util.Optional;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseLoginOutcome;
import io.lakebase.jdbc.LakebaseResolver;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;

/**
 * A resolver and a credential cache as an application puts them together for R2DBC, and the
 * latest connection factory made on them, for tests.
 */
final class R2dbcTestConnection implements AutoCloseable {

	private final LakebaseResolver resolver;

	private final LakebaseCredentialCache credentials;

	private volatile @Nullable LakebaseR2dbcConnectionFactory factory;

	R2dbcTestConnection(LakebaseConnectionSettings settings, Supplier<WorkspaceClient> workspaceClient) {
		this.resolver = new LakebaseResolver(settings, workspaceClient);
		this.credentials = LakebaseCredentialCache.builder(LakebaseCredentialSource.forTarget(settings.target(),
				workspaceClient, LakebaseCredentialSource.MAXIMUM_LIFETIME)).build();
	}

	ConnectionFactoryOptions options() {
		return LakebaseR2dbc.options(this.resolver, this.credentials);
	}

	LakebaseR2dbcConnectionFactory factory(ConnectionFactory driver) {
		LakebaseR2dbcConnectionFactory made = LakebaseR2dbc.connectionFactory(driver, this.resolver, this.credentials);
		this.factory = made;
		return made;
	}

	LakebaseCredentialCache credentials() {
		return this.credentials;
	}

	// The latest login of the latest factory made.
	Optional<LakebaseLoginOutcome> lastLogin() {
		LakebaseR2dbcConnectionFactory made = this.factory;
		return (made != null) ? made.lastLogin() : Optional.empty();
	}

	@Override
	public void close() {
		this.credentials.close();
		this.resolver.close();
	}

}
