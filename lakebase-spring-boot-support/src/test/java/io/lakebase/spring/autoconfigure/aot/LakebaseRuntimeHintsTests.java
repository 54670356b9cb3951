package io.lakebase.spring.autoconfigure.aot;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.ApiErrorBody;
import com.databricks.sdk.core.oauth.OAuthResponse;
import com.databricks.sdk.core.oauth.OpenIDConnectEndpoints;
import com.databricks.sdk.service.database.DatabaseInstance;
import com.databricks.sdk.service.database.DatabaseInstanceState;
import com.databricks.sdk.service.iam.User;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import com.databricks.sdk.service.postgres.EndpointStatus;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LakebaseRuntimeHints}: the SDK types of the starter's calls, and those they
 * hold, are open to reflection.
 */
class LakebaseRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void everyRootAndTheTypesItHoldsAreRegistered() {
		new LakebaseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		for (Class<?> type : new Class<?>[] { DatabricksConfig.class, ApiErrorBody.class, OpenIDConnectEndpoints.class,
				OAuthResponse.class, GenerateDatabaseCredentialRequest.class, DatabaseCredential.class,
				com.databricks.sdk.service.database.DatabaseCredential.class, Endpoint.class, EndpointStatus.class,
				EndpointHosts.class, DatabaseInstance.class, DatabaseInstanceState.class, User.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onField(DatabricksConfig.class, "clientSecret"))
			.accepts(this.hints);
		assertThat(LakebaseRuntimeHints.ROOTS).allSatisfy((root) -> assertThat(
				RuntimeHintsPredicates.reflection().onType(org.springframework.aot.hint.TypeReference.of(root)))
			.as(root)
			.accepts(this.hints));
	}

	@Test
	void onlySdkTypesAreRegistered() {
		new LakebaseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(this.hints.reflection().typeHints())
			.allSatisfy((hint) -> assertThat(hint.getType().getName()).startsWith("com.databricks.sdk."));
	}

	@Test
	void theReadReplicaRoutingsProxiesAreRegistered() {
		new LakebaseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		for (Class<?> type : new Class<?>[] { java.sql.Connection.class, java.sql.Statement.class,
				java.sql.PreparedStatement.class, java.sql.CallableStatement.class }) {
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(type)).as(type.getName()).accepts(this.hints);
		}
	}

}
