package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LakebaseDataSource}, the plain-Java pooled data source, against a local Lakebase issuing
 * 5-second credentials: no Spring anywhere.
 */
class LakebaseDataSourceIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().tokenLifetime(Duration.ofSeconds(5)));

	@BeforeEach
	@AfterEach
	void reset() {
		lakebase.get().stats().reset();
	}

	@Test
	void aPoolLogsInWithRotatingCredentialsAndBuildingCallsNothing() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		try (LakebaseDataSource dataSource = LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(identity.name())
				.setClientSecret(identity.secret()))
			.settings((settings) -> settings.port(lakebase.get().port())
				.sslRootCert(lakebase.get().caCertificate().toString()))
			.pool((pool) -> pool.setMaximumPoolSize(2))
			.build()) {
			assertThat(lakebase.get().stats().requestLog()).as("requests while building").isEmpty();
			assertThat(dataSource.getMaxLifetime()).isEqualTo(Duration.ofMinutes(45).toMillis());
			assertThat(dataSource.getPoolName()).isEqualTo("lakebase");
			assertThat(currentUser(dataSource)).isEqualTo(identity.name());
			// Three rotations of the 5 s credential, each new connection logging in with the current one.
			long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
			while (System.nanoTime() < deadline) {
				dataSource.getHikariPoolMXBean().softEvictConnections();
				assertThat(currentUser(dataSource)).isEqualTo(identity.name());
				Thread.sleep(250);
			}
			assertThat(lakebase.get().stats().tokensIssued()).isBetween(3L, 8L);
			assertThat(dataSource.health(Duration.ofSeconds(2)).up()).isTrue();
		}
	}

	@Test
	void closingStopsTheCredentialRefresh() throws Exception {
		Identity identity = lakebase.get().defaultIdentity();
		LakebaseDataSource dataSource = LakebaseDataSource.builder()
			.endpoint(LocalLakebase.DEFAULT_ENDPOINT)
			.workspace(new DatabricksConfig().setHost(lakebase.get().workspaceUrl())
				.setClientId(identity.name())
				.setClientSecret(identity.secret()))
			.settings((settings) -> settings.port(lakebase.get().port())
				.sslRootCert(lakebase.get().caCertificate().toString()))
			.build();
		currentUser(dataSource);
		dataSource.close();
		long issued = lakebase.get().stats().tokensIssued();
		Thread.sleep(6000);
		assertThat(lakebase.get().stats().tokensIssued()).isEqualTo(issued);
		assertThatExceptionOfType(LakebaseCredentialException.class)
			.isThrownBy(() -> dataSource.logins().credentials().get(Duration.ZERO))
			.withMessageContaining("closed");
	}

	@Test
	void withoutATargetTheBuildFailsClearly() {
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> LakebaseDataSource.builder().build())
			.withMessage("Neither an endpoint nor an instance is set");
	}

	private static String currentUser(LakebaseDataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user")) {
			result.next();
			return result.getString(1);
		}
	}

}
