package io.lakebase.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.database.DatabaseInstance;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of the default local Lakebase's computes, each on a host of its own: the primary
 * (high-availability, with a read-only host), the read replica and the instance, through the real
 * Databricks SDK and real PgJDBC.
 */
class LocalLakebaseHostsIT {

	private static final String PRIMARY = LocalLakebase.DEFAULT_ENDPOINT;

	private static final String REPLICA = LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT;

	private static final String INSTANCE = LocalLakebase.DEFAULT_INSTANCE;

	private static final String PRIMARY_HOST = "127.0.0.1";

	private static final String REPLICA_HOST = "127.0.0.2";

	private static final String PRIMARY_READ_ONLY_HOST = "127.0.0.3";

	private static final String INSTANCE_READ_ONLY_HOST = "127.0.0.4";

	private static final List<String> READ_ONLY_HOSTS = List.of(REPLICA_HOST, PRIMARY_READ_ONLY_HOST,
			INSTANCE_READ_ONLY_HOST);

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@BeforeAll
	static void requireLoopbackAddresses() {
		// Linux routes all of 127.0.0.0/8 to lo; elsewhere (macOS) the addresses must be aliased.
		assumeTrue(System.getProperty("os.name").startsWith("Linux") || LoginFront.canBind(INSTANCE_READ_ONLY_HOST),
				"127.0.0.2 to 127.0.0.4 are not loopback addresses here: sudo ifconfig lo0 alias 127.0.0.2 (and .3, .4)");
	}

	@AfterEach
	void resetFaults() {
		lakebase.get().faults().reset();
	}

	@Test
	void defaultsAreAHighlyAvailablePrimaryAReplicaAndAnInstanceEachWithHostsOfTheirOwn() {
		LocalLakebase local = lakebase.get();
		assertThat(local.endpoints()).extracting(io.lakebase.local.Endpoint::name).containsExactly(PRIMARY, REPLICA);
		assertThat(local.endpoints()).extracting(io.lakebase.local.Endpoint::highAvailability,
				io.lakebase.local.Endpoint::readOnly)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(true, false),
					org.assertj.core.groups.Tuple.tuple(false, true));
		assertThat(local.instances()).extracting(Instance::name).containsExactly(INSTANCE);
		assertThat(local.branches()).containsExactly("projects/local/branches/main");
		assertThat(local.host()).isEqualTo(PRIMARY_HOST);
		assertThat(local.host(PRIMARY)).isEqualTo(PRIMARY_HOST);
		assertThat(local.readOnlyHost(PRIMARY)).hasValue(PRIMARY_READ_ONLY_HOST);
		assertThat(local.host(REPLICA)).isEqualTo(REPLICA_HOST);
		assertThat(local.readOnlyHost(REPLICA)).isEmpty();
		assertThat(local.host(INSTANCE)).isEqualTo(PRIMARY_HOST);
		assertThat(local.readOnlyHost(INSTANCE)).hasValue(INSTANCE_READ_ONLY_HOST);
		assertThatIllegalArgumentException().isThrownBy(() -> local.host("projects/local/branches/main/endpoints/nope"))
			.withMessage("No endpoint or instance named 'projects/local/branches/main/endpoints/nope'");
		assertThatIllegalArgumentException().isThrownBy(() -> local.readOnlyHost("missing-instance"));
	}

	@Test
	void springPropertiesReachThePrimaryAndTheReadOnlyPropertiesTheReplica() {
		assertThat(lakebase.get().springProperties()).containsEntry("lakebase.endpoint", PRIMARY)
			.doesNotContainKeys("lakebase.read-only.endpoint", "lakebase.read-only.enabled");
		assertThat(lakebase.get().readOnlySpringProperties())
			.containsExactlyEntriesOf(Map.of("lakebase.read-only.endpoint", REPLICA));
	}

	@Test
	void theApiReportsTheHostsOfEachCompute() {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		Endpoint primary = workspace.postgres().getEndpoint(PRIMARY);
		EndpointHosts primaryHosts = primary.getStatus().getHosts();
		assertThat(primary.getStatus().getEndpointType().name()).isEqualTo("ENDPOINT_TYPE_READ_WRITE");
		assertThat(primaryHosts.getHost()).isEqualTo(PRIMARY_HOST);
		assertThat(primaryHosts.getReadOnlyHost()).isEqualTo(PRIMARY_READ_ONLY_HOST);
		// Without the emulated pooler, the pooled hosts are a name that never resolves.
		assertThat(primaryHosts.getReadWritePooledHost()).isEqualTo("pooler.lakebase.invalid");
		assertThat(primaryHosts.getReadOnlyPooledHost()).isEqualTo("pooler.lakebase.invalid");
		assertThat(lakebase.get().pooledHost(PRIMARY)).isEmpty();
		assertThat(lakebase.get().readOnlyPooledHost(PRIMARY)).isEmpty();
		Endpoint replica = workspace.postgres().getEndpoint(REPLICA);
		assertThat(replica.getStatus().getEndpointType().name()).isEqualTo("ENDPOINT_TYPE_READ_ONLY");
		assertThat(replica.getStatus().getHosts().getHost()).isEqualTo(REPLICA_HOST);
		assertThat(replica.getStatus().getHosts().getReadOnlyHost()).isEqualTo(REPLICA_HOST);
		assertThat(replica.getStatus().getHosts().getReadWritePooledHost()).isNull();
		assertThat(replica.getStatus().getHosts().getReadOnlyPooledHost()).isEqualTo("pooler.lakebase.invalid");
		DatabaseInstance instance = workspace.database().getDatabaseInstance(INSTANCE);
		assertThat(instance.getReadWriteDns()).isEqualTo(PRIMARY_HOST);
		assertThat(instance.getReadOnlyDns()).isEqualTo(INSTANCE_READ_ONLY_HOST);
		assertThat(instance.getEffectiveEnableReadableSecondaries()).isTrue();
	}

	@Test
	void loginsAreCountedByTheHostTheClientConnectedTo() throws Exception {
		Stats stats = lakebase.get().stats();
		long total = stats.loginsAccepted();
		long primary = stats.loginsAccepted(PRIMARY_HOST);
		long replica = stats.loginsAccepted(REPLICA_HOST);
		long instanceReadOnly = stats.loginsAccepted(INSTANCE_READ_ONLY_HOST);
		String token = token();
		try (Connection one = connect(PRIMARY_HOST, token); Connection two = connect(REPLICA_HOST, token);
				Connection three = connect(REPLICA_HOST, token)) {
			assertThat(stats.loginsAccepted(PRIMARY_HOST) - primary).isEqualTo(1);
			assertThat(stats.loginsAccepted(REPLICA_HOST) - replica).isEqualTo(2);
			assertThat(stats.loginsAccepted(INSTANCE_READ_ONLY_HOST) - instanceReadOnly).isZero();
			assertThat(stats.loginsAccepted() - total).isEqualTo(3);
		}
		assertThat(stats.requestLog()).contains(
				"LOGIN " + lakebase.get().defaultIdentity().name() + " -> accepted (host " + REPLICA_HOST + ")");
		stats.reset();
		assertThat(stats.loginsAccepted(REPLICA_HOST)).isZero();
		assertThat(stats.loginsAccepted()).isZero();
	}

	@Test
	void sessionsOnReadOnlyHostsAreReadOnlyAndOnTheReadWriteHostTheyAreNot() throws Exception {
		String token = token();
		assertThat(transactionReadOnly(PRIMARY_HOST, token)).isEqualTo("off");
		for (String host : READ_ONLY_HOSTS) {
			assertThat(transactionReadOnly(host, token)).as(host).isEqualTo("on");
		}
	}

	@Test
	void writesOnReadOnlyHostsFailWith25006WhileReadsSeeThePrimarysData() throws Exception {
		String token = token();
		try (Connection primary = connect(PRIMARY_HOST, token); Statement statement = primary.createStatement()) {
			statement.execute("CREATE TABLE replicated_notes (body text)");
			statement.execute("INSERT INTO replicated_notes VALUES ('written on the primary')");
		}
		for (String host : READ_ONLY_HOSTS) {
			try (Connection readOnly = connect(host, token); Statement statement = readOnly.createStatement()) {
				try (ResultSet result = statement.executeQuery("SELECT body FROM replicated_notes")) {
					assertThat(result.next()).isTrue();
					assertThat(result.getString(1)).isEqualTo("written on the primary");
				}
				assertThatExceptionOfType(SQLException.class).as(host)
					.isThrownBy(() -> statement.execute("INSERT INTO replicated_notes VALUES ('on " + host + "')"))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"))
					.withMessageContaining("cannot execute INSERT in a read-only transaction");
			}
		}
	}

	@Test
	void everySessionNamesTheHostItsClientDialled() throws Exception {
		String token = token();
		for (String host : List.of(PRIMARY_HOST, REPLICA_HOST, PRIMARY_READ_ONLY_HOST)) {
			Properties properties = properties(token);
			// A client's own value does not hide the host.
			properties.setProperty("options", "-c lakebase_local.host=elsewhere");
			try (Connection connection = DriverManager.getConnection(url(host), properties);
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT current_setting('lakebase_local.host')")) {
				assertThat(result.next()).isTrue();
				assertThat(result.getString(1)).as(host).isEqualTo(host);
			}
		}
	}

	@Test
	void aClientsStartupOptionsCannotTurnReadOnlyOff() throws Exception {
		Properties properties = properties(token());
		properties.setProperty("options", "-c default_transaction_read_only=off");
		try (Connection connection = DriverManager.getConnection(url(REPLICA_HOST), properties)) {
			assertThat(show(connection, "transaction_read_only")).isEqualTo("on");
		}
	}

	@Test
	void unlikeAStandbyASessionMaySetReadOnlyOff() throws Exception {
		// The documented limit of emulating a standby with default_transaction_read_only.
		try (Connection connection = connect(REPLICA_HOST, token()); Statement statement = connection.createStatement()) {
			statement.execute("SET default_transaction_read_only = off");
			assertThat(show(connection, "transaction_read_only")).isEqualTo("off");
		}
	}

	@Test
	void aHostDownRefusesLoginsWith57P03AndClosesOnlyItsSessionsUntilItIsBack() throws Exception {
		String token = token();
		try (Connection primary = connect(PRIMARY_HOST, token); Connection replica = connect(REPLICA_HOST, token)) {
			lakebase.get().faults().hostDown(REPLICA_HOST, true);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Clients.whoAmI(replica));
			assertThat(Clients.whoAmI(primary)[0]).isEqualTo(lakebase.get().defaultIdentity().name());
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(REPLICA_HOST, token).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("57P03"))
				.withMessageContaining("the database system is not accepting connections");
			try (Connection primaryReadOnly = connect(PRIMARY_READ_ONLY_HOST, token)) {
				assertThat(primaryReadOnly.isValid(5)).isTrue();
			}
		}
		lakebase.get().faults().hostDown(REPLICA_HOST, false);
		try (Connection replica = connect(REPLICA_HOST, token)) {
			assertThat(replica.isValid(5)).isTrue();
		}
		lakebase.get().faults().hostDown(PRIMARY_READ_ONLY_HOST, true).reset();
		try (Connection primaryReadOnly = connect(PRIMARY_READ_ONLY_HOST, token)) {
			assertThat(primaryReadOnly.isValid(5)).isTrue();
		}
	}

	@Test
	void aHostTheFrontDoesNotServeCannotBeTakenDown() {
		assertThatIllegalArgumentException().isThrownBy(() -> lakebase.get().faults().hostDown("127.0.0.99", true))
			.withMessage("The local Lakebase has no compute at host '127.0.0.99'");
	}

	@Test
	void verifyFullSucceedsOnEveryHostAgainstTheCaFile() throws Exception {
		String token = token();
		for (String host : List.of(PRIMARY_HOST, REPLICA_HOST, PRIMARY_READ_ONLY_HOST, INSTANCE_READ_ONLY_HOST)) {
			try (Connection connection = Clients.connect(lakebase.get(), host, lakebase.get().defaultIdentity().name(),
					token, "verify-full")) {
				assertThat(Clients.whoAmI(connection)[0]).as(host).isEqualTo(lakebase.get().defaultIdentity().name());
			}
		}
	}

	private static String token() {
		return lakebase.get().issueToken(lakebase.get().defaultIdentity(), Duration.ofMinutes(5)).token();
	}

	private static Connection connect(String host, String token) throws SQLException {
		return Clients.connect(lakebase.get(), host, lakebase.get().defaultIdentity().name(), token, "require");
	}

	private static Properties properties(String token) {
		Properties properties = new Properties();
		properties.setProperty("user", lakebase.get().defaultIdentity().name());
		properties.setProperty("password", token);
		properties.setProperty("sslmode", "require");
		properties.setProperty("connectTimeout", "10");
		return properties;
	}

	private static String url(String host) {
		return "jdbc:postgresql://" + host + ":" + lakebase.get().port() + "/" + lakebase.get().database();
	}

	private static String transactionReadOnly(String host, String token) throws SQLException {
		try (Connection connection = connect(host, token); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_setting('transaction_read_only')")) {
			result.next();
			String setting = result.getString(1);
			assertThat(show(connection, "transaction_read_only")).as(host).isEqualTo(setting);
			return setting;
		}
	}

	private static String show(Connection connection, String parameter) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW " + parameter)) {
			result.next();
			return result.getString(1);
		}
	}

}
