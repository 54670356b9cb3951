package io.lakebase.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The login front over a Testcontainers PostgreSQL (the official image, the major Lakebase runs)
 * instead of the embedded one. Needs Docker: skipped without it.
 */
class LocalLakebaseContainerIT {

	@BeforeAll
	static void requireDocker() {
		assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "Docker is not available");
	}

	@Test
	void loginsGoThroughTheFrontToTheContainer() throws Exception {
		try (LocalLakebase lakebase = LocalLakebase.builder().postgresContainer().start()) {
			Identity identity = lakebase.defaultIdentity();
			DatabaseToken token = lakebase.issueToken(identity, Duration.ofMinutes(5));
			Properties properties = new Properties();
			properties.setProperty("user", identity.name());
			properties.setProperty("password", token.token());
			try (Connection connection = DriverManager.getConnection(lakebase.jdbcUrl(), properties);
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT current_user, current_setting('server_version_num')")) {
				result.next();
				assertThat(result.getString(1)).isEqualTo(identity.name());
				assertThat(result.getInt(2) / 10000).isEqualTo(17);
			}
			lakebase.faults().restartDatabase();
			try (Connection connection = DriverManager.getConnection(lakebase.jdbcUrl(), properties)) {
				assertThat(connection.isValid(5)).isTrue();
			}
			assertThat(lakebase.stats().loginsAccepted()).isEqualTo(2);
		}
	}

}
