package io.lakebase.local;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.BadRequest;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchStatusState;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import com.databricks.sdk.service.postgres.ListBranchesRequest;
import com.databricks.sdk.service.postgres.ListEndpointsRequest;
import com.databricks.sdk.service.postgres.ListEndpointsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of a local Lakebase with two projects, several branches (one declared without endpoints)
 * and the emulated connection pooler, through the real Databricks SDK and real PgJDBC.
 */
class LocalLakebaseBranchesAndPoolerIT {

	private static final String SHOP = "projects/shop";

	private static final String MAIN = SHOP + "/branches/main";

	private static final String EMPTY = SHOP + "/branches/empty";

	private static final String DEV = SHOP + "/branches/dev";

	private static final String OTHER_MAIN = "projects/other/branches/main";

	private static final String PRIMARY = MAIN + "/endpoints/primary";

	private static final String REPLICA = MAIN + "/endpoints/replica";

	private static final String DEV_ENDPOINT = DEV + "/endpoints/dev";

	private static final String OTHER_PRIMARY = OTHER_MAIN + "/endpoints/primary";

	// After the endpoints' hosts (.1 to .4) and the primary's read-only host (.5).
	private static final String PRIMARY_POOLED_HOST = "127.0.0.6";

	private static final String PRIMARY_READ_ONLY_POOLED_HOST = "127.0.0.7";

	private static final String REPLICA_POOLED_HOST = "127.0.0.8";

	private static final String DEV_POOLED_HOST = "127.0.0.9";

	// One query run again and again, as an application's hot query is.
	private static final String HOT_QUERY = "SELECT ?::int + 1";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder()
		.endpoint(io.lakebase.local.Endpoint.of(PRIMARY).asHighAvailability())
		.endpoint(io.lakebase.local.Endpoint.of(REPLICA).asReadOnly())
		.branch(EMPTY)
		.endpoint(DEV_ENDPOINT)
		.endpoint(OTHER_PRIMARY)
		.pooler(true));

	@Test
	void branchesAreThoseOfTheEndpointsAndTheDeclaredOnesInBuilderOrder() {
		assertThat(lakebase.get().branches()).containsExactly(MAIN, EMPTY, DEV, OTHER_MAIN);
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebase.builder().branch("projects/shop/dev"))
			.withMessage("Branch name must look like projects/<p>/branches/<b>, got 'projects/shop/dev'");
	}

	@Test
	void listEndpointsAnswersEachEndpointOfTheBranchAsGetEndpointDoes() {
		WorkspaceClient workspace = workspace();
		List<Endpoint> main = list(workspace.postgres().listEndpoints(MAIN));
		assertThat(main).extracting(Endpoint::getName).containsExactly(PRIMARY, REPLICA);
		assertThat(main).containsExactly(workspace.postgres().getEndpoint(PRIMARY),
				workspace.postgres().getEndpoint(REPLICA));
		assertThat(main.get(0).getParent()).isEqualTo(MAIN);
		List<Endpoint> dev = list(workspace.postgres().listEndpoints(DEV));
		assertThat(dev).extracting(Endpoint::getName).containsExactly(DEV_ENDPOINT);
		assertThat(dev.get(0).getStatus().getEndpointType().name()).isEqualTo("ENDPOINT_TYPE_READ_WRITE");
		assertThat(dev.get(0).getStatus().getHosts().getHost()).isEqualTo(lakebase.get().host(DEV_ENDPOINT));
		assertThat(list(workspace.postgres().listEndpoints(OTHER_MAIN))).extracting(Endpoint::getName)
			.containsExactly(OTHER_PRIMARY);
	}

	@Test
	void listEndpointsPagesWithAnOpaqueTokenUntilTheLastPage() {
		WorkspaceClient workspace = workspace();
		ListEndpointsResponse first = workspace.postgres()
			.impl()
			.listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageSize(1L));
		assertThat(first.getEndpoints()).extracting(Endpoint::getName).containsExactly(PRIMARY);
		assertThat(first.getNextPageToken()).isNotEmpty().doesNotContain(MAIN);
		ListEndpointsResponse last = workspace.postgres()
			.impl()
			.listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageSize(1L).setPageToken(first.getNextPageToken()));
		assertThat(last.getEndpoints()).extracting(Endpoint::getName).containsExactly(REPLICA);
		assertThat(last.getNextPageToken()).isNull();
		String path = "/api/2.0/postgres/" + MAIN + "/endpoints";
		long before = lakebase.get().stats().requests(path);
		assertThat(list(workspace.postgres().listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageSize(1L))))
			.extracting(Endpoint::getName)
			.containsExactly(PRIMARY, REPLICA);
		assertThat(lakebase.get().stats().requests(path) - before).isEqualTo(2);
	}

	@Test
	void aPageTokenServesOnlyTheListItCameFrom() {
		WorkspaceClient workspace = workspace();
		String mainToken = workspace.postgres()
			.impl()
			.listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageSize(1L))
			.getNextPageToken();
		for (String token : List.of(mainToken + "x", "not a token")) {
			assertThatExceptionOfType(BadRequest.class)
				.isThrownBy(() -> workspace.postgres()
					.impl()
					.listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageToken(token)))
				.withMessage("Invalid page token.");
		}
		assertThatExceptionOfType(BadRequest.class).isThrownBy(() -> workspace.postgres()
			.impl()
			.listEndpoints(new ListEndpointsRequest().setParent(DEV).setPageToken(mainToken)));
		assertThatExceptionOfType(BadRequest.class).isThrownBy(
				() -> workspace.postgres().impl().listEndpoints(new ListEndpointsRequest().setParent(MAIN).setPageSize(-1L)));
	}

	@Test
	void aBranchDeclaredWithoutEndpointsExistsAndListsNoEndpoint() {
		WorkspaceClient workspace = workspace();
		assertThat(workspace.postgres().listEndpoints(EMPTY)).isEmpty();
		assertThat(workspace.postgres().impl().listEndpoints(new ListEndpointsRequest().setParent(EMPTY)).getEndpoints())
			.isNull();
		assertThat(workspace.postgres().getBranch(EMPTY).getName()).isEqualTo(EMPTY);
	}

	@Test
	void listBranchesAnswersTheBranchesOfAProjectTheFirstOneBeingTheDefault() {
		WorkspaceClient workspace = workspace();
		List<Branch> branches = list(workspace.postgres().listBranches(SHOP));
		assertThat(branches).extracting(Branch::getName).containsExactly(MAIN, EMPTY, DEV);
		assertThat(branches).extracting((branch) -> branch.getStatus().getDefault()).containsExactly(true, false, false);
		assertThat(branches).allSatisfy((branch) -> {
			assertThat(branch.getParent()).isEqualTo(SHOP);
			assertThat(branch.getStatus().getCurrentState()).isEqualTo(BranchStatusState.READY);
			assertThat(branch.getUid()).startsWith("br-");
		});
		assertThat(branches.get(2).getBranchId()).isEqualTo("dev");
		assertThat(list(workspace.postgres().listBranches(new ListBranchesRequest().setParent(SHOP).setPageSize(2L))))
			.containsExactlyElementsOf(branches);
		assertThat(workspace.postgres().getBranch(DEV)).isEqualTo(branches.get(2));
		assertThat(list(workspace.postgres().listBranches("projects/other"))).extracting(Branch::getName)
			.containsExactly(OTHER_MAIN);
	}

	@Test
	void anUnknownBranchOrProjectIsNotFound() {
		WorkspaceClient workspace = workspace();
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> workspace.postgres().getBranch(SHOP + "/branches/nope"))
			.withMessage("Branch 'projects/shop/branches/nope' does not exist.");
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> list(workspace.postgres().listEndpoints(SHOP + "/branches/nope")))
			.withMessage("Branch 'projects/shop/branches/nope' does not exist.");
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> list(workspace.postgres().listEndpoints("projects/nope/branches/main")))
			.withMessage("Project 'projects/nope' does not exist.");
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> list(workspace.postgres().listBranches("projects/nope")))
			.withMessage("Project 'projects/nope' does not exist.");
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> workspace.postgres().getEndpoint(DEV + "/endpoints/nope"))
			.withMessage("Endpoint 'projects/shop/branches/dev/endpoints/nope' does not exist.");
	}

	@Test
	void theApiReportsThePooledHostsOfEachEndpoint() {
		assumeLoopbackAddresses();
		WorkspaceClient workspace = workspace();
		EndpointHosts primary = workspace.postgres().getEndpoint(PRIMARY).getStatus().getHosts();
		assertThat(primary.getReadWritePooledHost()).isEqualTo(PRIMARY_POOLED_HOST);
		assertThat(primary.getReadOnlyPooledHost()).isEqualTo(PRIMARY_READ_ONLY_POOLED_HOST);
		EndpointHosts replica = workspace.postgres().getEndpoint(REPLICA).getStatus().getHosts();
		assertThat(replica.getReadOnlyPooledHost()).isEqualTo(REPLICA_POOLED_HOST);
		assertThat(replica.getReadWritePooledHost()).isNull();
		assertThat(workspace.postgres().getEndpoint(DEV_ENDPOINT).getStatus().getHosts().getReadWritePooledHost())
			.isEqualTo(DEV_POOLED_HOST);
		assertThat(lakebase.get().pooledHost(PRIMARY)).hasValue(PRIMARY_POOLED_HOST);
		assertThat(lakebase.get().readOnlyPooledHost(PRIMARY)).hasValue(PRIMARY_READ_ONLY_POOLED_HOST);
		assertThat(lakebase.get().pooledHost(REPLICA)).hasValue(REPLICA_POOLED_HOST);
		assertThat(lakebase.get().readOnlyPooledHost(REPLICA)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> lakebase.get().pooledHost(MAIN + "/endpoints/nope"))
			.withMessage("No endpoint named 'projects/shop/branches/main/endpoints/nope'");
	}

	@Test
	void aLoginOnAPooledHostReachesTheEndpointsDatabaseAndIsCountedByThatHost() throws Exception {
		assumeLoopbackAddresses();
		String token = workspace().postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(PRIMARY))
			.getToken();
		long pooledLogins = lakebase.get().stats().loginsAccepted(PRIMARY_POOLED_HOST);
		try (Connection direct = connect(lakebase.get().host(PRIMARY), token, 5);
				Statement statement = direct.createStatement()) {
			statement.execute("CREATE TABLE pooled_notes (body text)");
			statement.execute("INSERT INTO pooled_notes VALUES ('written directly')");
		}
		try (Connection pooled = connect(PRIMARY_POOLED_HOST, token, 0)) {
			assertThat(query(pooled, "SELECT body FROM pooled_notes")).isEqualTo("written directly");
			assertThat(query(pooled, "SELECT current_setting('lakebase_local.host')")).isEqualTo(PRIMARY_POOLED_HOST);
			assertThat(query(pooled, "SHOW transaction_read_only")).isEqualTo("off");
		}
		try (Connection readOnlyPooled = connect(PRIMARY_READ_ONLY_POOLED_HOST, token, 0)) {
			assertThat(query(readOnlyPooled, "SHOW transaction_read_only")).isEqualTo("on");
		}
		assertThat(lakebase.get().stats().loginsAccepted(PRIMARY_POOLED_HOST) - pooledLogins).isEqualTo(1);
	}

	@Test
	void aPooledHostRefusesServerSidePreparedStatementsButServesUnnamedOnes() throws Exception {
		assumeLoopbackAddresses();
		String token = lakebase.get().issueToken(lakebase.get().defaultIdentity(), Duration.ofMinutes(5)).token();
		for (String host : List.of(PRIMARY_POOLED_HOST, lakebase.get().host(PRIMARY))) {
			// PgJDBC without server-side prepared statements, as a pooler in transaction mode needs.
			try (Connection unnamedOnly = connect(host, token, 0);
					PreparedStatement statement = unnamedOnly.prepareStatement(HOT_QUERY)) {
				for (int i = 1; i <= 8; i++) {
					assertThat(execute(statement, i)).as(host).isEqualTo(i + 1);
				}
			}
		}
		try (Connection serverPrepared = connect(PRIMARY_POOLED_HOST, token, 5);
				PreparedStatement statement = serverPrepared.prepareStatement(HOT_QUERY)) {
			for (int i = 1; i <= 4; i++) {
				assertThat(execute(statement, i)).isEqualTo(i + 1);
			}
			// The fifth execution is PgJDBC's first with a named (server-side) prepared statement; so is
			// every later one.
			for (int i = 5; i <= 6; i++) {
				int execution = i;
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> execute(statement, execution))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("26000"))
					.withMessageMatching("(?s)ERROR: prepared statement \"S_\\d+\" does not exist.*");
			}
			// The refusal fails the statement, not the session.
			assertThat(query(serverPrepared, "SELECT 'still here'")).isEqualTo("still here");
		}
		try (Connection direct = connect(lakebase.get().host(PRIMARY), token, 5);
				PreparedStatement statement = direct.prepareStatement(HOT_QUERY)) {
			for (int i = 1; i <= 8; i++) {
				assertThat(execute(statement, i)).isEqualTo(i + 1);
			}
		}
	}

	private static void assumeLoopbackAddresses() {
		// Linux routes all of 127.0.0.0/8 to lo; elsewhere (macOS) the addresses must be aliased.
		assumeTrue(System.getProperty("os.name").startsWith("Linux") || LoginFront.canBind(DEV_POOLED_HOST),
				"127.0.0.2 to 127.0.0.10 are not loopback addresses here");
	}

	private static WorkspaceClient workspace() {
		return Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
	}

	private static <T> List<T> list(Iterable<T> items) {
		List<T> list = new ArrayList<>();
		items.forEach(list::add);
		return list;
	}

	private static Connection connect(String host, String token, int prepareThreshold) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", lakebase.get().defaultIdentity().name());
		properties.setProperty("password", token);
		properties.setProperty("sslmode", "verify-full");
		properties.setProperty("sslrootcert", lakebase.get().caCertificate().toString());
		properties.setProperty("connectTimeout", "10");
		properties.setProperty("prepareThreshold", Integer.toString(prepareThreshold));
		return java.sql.DriverManager.getConnection(
				"jdbc:postgresql://" + host + ":" + lakebase.get().port() + "/" + lakebase.get().database(), properties);
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	private static int execute(PreparedStatement statement, int value) throws SQLException {
		statement.setInt(1, value);
		try (ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1);
		}
	}

}
