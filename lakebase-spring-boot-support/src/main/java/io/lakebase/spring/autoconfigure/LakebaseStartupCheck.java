package io.lakebase.spring.autoconfigure;

import java.util.function.Predicate;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredentialCache;

/**
 * The startup check of a connector ({@code lakebase.fail-fast}): resolve, obtain a credential and
 * log in once, before the pool exists and so before anything (a schema migration, say) uses it, so
 * that a misconfiguration fails the start with a report naming the property.
 */
final class LakebaseStartupCheck {

	private LakebaseStartupCheck() {
	}

	/**
	 * Builds a connector that shares a credential cache (one credential per identity, whatever the
	 * number of connections) and runs its startup check.
	 * @param settings where and how to connect
	 * @param workspaceClient the workspace client, asked for when first needed
	 * @param credentials the credential cache of that client's identity
	 * @param properties the Lakebase properties
	 * @param tolerated which failures of the check let the start go on
	 * @return the checked connector
	 */
	static LakebaseConnector connector(LakebaseConnectionSettings settings, Supplier<WorkspaceClient> workspaceClient,
			LakebaseCredentialCache credentials, LakebaseProperties properties, Predicate<RuntimeException> tolerated) {
		LakebaseConnector connector = LakebaseConnector.builder(settings)
			.workspaceClient(workspaceClient)
			.credentials(credentials)
			.build();
		run(connector, properties, tolerated);
		return connector;
	}

	/**
	 * Runs the check when {@code lakebase.fail-fast} is on. A failure closes the connector and is
	 * rethrown, a configuration failure as Spring Boot's property exception, unless tolerated.
	 * @param connector the connector to check
	 * @param properties the Lakebase properties
	 * @param tolerated which failures let the start go on
	 */
	static void run(LakebaseConnector connector, LakebaseProperties properties, Predicate<RuntimeException> tolerated) {
		if (!properties.isFailFast()) {
			return;
		}
		try {
			connector.verify(properties.getStartupTimeout());
		}
		catch (RuntimeException ex) {
			if (tolerated.test(ex)) {
				return;
			}
			connector.close();
			throw (ex instanceof LakebaseConfigurationException configuration) ? LakebasePropertyFailures.of(configuration)
					: ex;
		}
	}

}
