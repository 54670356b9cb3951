package io.lakebase.spring.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseStartupCheck;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.jdbc.LakebaseWorkspaceClients;
import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults of the {@code lakebase.*} properties are the core's, and the metadata IDEs show says
 * the same: the properties take them from the core's constants, which the metadata processor cannot
 * read, so the metadata states them and this test keeps the two equal.
 */
class LakebasePropertiesDefaultsTests {

	private final LakebaseProperties properties = new LakebaseProperties();

	@Test
	void thePropertiesDefaultsAreTheCores() {
		assertThat(this.properties.getPort()).isEqualTo(LakebaseConnectionSettings.DEFAULT_PORT);
		assertThat(this.properties.getDatabase()).isEqualTo(LakebaseConnectionSettings.DEFAULT_DATABASE);
		assertThat(this.properties.getStartupTimeout()).isEqualTo(LakebaseStartupCheck.DEFAULT_TIMEOUT);
		assertThat(this.properties.getCredential().getRefreshBefore())
			.isEqualTo(LakebaseCredentialCache.DEFAULT_REFRESH_BEFORE);
		assertThat(this.properties.getCredential().getFetchTimeout())
			.isEqualTo(LakebaseCredentialCache.DEFAULT_FETCH_TIMEOUT);
		assertThat(this.properties.getWorkspace().getHttpTimeout())
			.isEqualTo(LakebaseWorkspaceClients.DEFAULT_HTTP_TIMEOUT);
		assertThat(this.properties.getReadOnly().getRetryAfter())
			.isEqualTo(ReadReplicaRoutingDataSource.DEFAULT_RETRY_AFTER);
		LakebaseProperties.OnBehalfOf onBehalfOf = this.properties.getOnBehalfOf();
		assertThat(onBehalfOf.getMaxPoolSize()).isEqualTo(LakebaseUserPools.DEFAULT_MAX_POOL_SIZE);
		assertThat(onBehalfOf.getMaxUsers()).isEqualTo(LakebaseUserPools.DEFAULT_MAX_USERS);
		assertThat(onBehalfOf.getMaxConnections()).isEqualTo(LakebaseUserPools.DEFAULT_MAX_CONNECTIONS);
		assertThat(onBehalfOf.getIdleTimeout()).isEqualTo(LakebaseUserPools.DEFAULT_IDLE_TIMEOUT);
		assertThat(onBehalfOf.getConnectionTimeout()).isEqualTo(LakebaseUserPools.DEFAULT_CONNECTION_TIMEOUT);
	}

	@Test
	void theMetadataStatesTheSameDefaults() throws IOException {
		Map<String, Object> defaults = LakebaseMetadata.properties()
			.stream()
			.filter((property) -> property.get("defaultValue") != null)
			.collect(Collectors.toMap((property) -> (String) property.get("name"),
					(property) -> property.get("defaultValue"), (first, second) -> first));
		assertThat(defaults).containsEntry("lakebase.port", LakebaseConnectionSettings.DEFAULT_PORT)
			.containsEntry("lakebase.database", LakebaseConnectionSettings.DEFAULT_DATABASE);
		assertThat(duration(defaults, "lakebase.startup-timeout")).isEqualTo(this.properties.getStartupTimeout());
		assertThat(duration(defaults, "lakebase.credential.refresh-before"))
			.isEqualTo(this.properties.getCredential().getRefreshBefore());
		assertThat(duration(defaults, "lakebase.credential.fetch-timeout"))
			.isEqualTo(this.properties.getCredential().getFetchTimeout());
		assertThat(duration(defaults, "lakebase.workspace.http-timeout"))
			.isEqualTo(this.properties.getWorkspace().getHttpTimeout());
		assertThat(duration(defaults, "lakebase.read-only.retry-after"))
			.isEqualTo(this.properties.getReadOnly().getRetryAfter());
		LakebaseProperties.OnBehalfOf onBehalfOf = this.properties.getOnBehalfOf();
		assertThat(defaults).containsEntry("lakebase.on-behalf-of.max-pool-size", onBehalfOf.getMaxPoolSize())
			.containsEntry("lakebase.on-behalf-of.max-users", onBehalfOf.getMaxUsers())
			.containsEntry("lakebase.on-behalf-of.max-connections", onBehalfOf.getMaxConnections());
		assertThat(duration(defaults, "lakebase.on-behalf-of.idle-timeout")).isEqualTo(onBehalfOf.getIdleTimeout());
		assertThat(duration(defaults, "lakebase.on-behalf-of.connection-timeout"))
			.isEqualTo(onBehalfOf.getConnectionTimeout());
	}

	private static Duration duration(Map<String, Object> defaults, String name) {
		assertThat(defaults).containsKey(name);
		return DurationStyle.detectAndParse((String) defaults.get(name));
	}

}
