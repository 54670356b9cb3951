package io.lakebase.local;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.CreateEndpointRequest;
import com.databricks.sdk.service.postgres.EndpointSpec;
import com.databricks.sdk.service.postgres.EndpointStatusState;
import com.databricks.sdk.service.postgres.EndpointType;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import com.databricks.sdk.service.postgres.ListEndpointsRequest;
import com.google.protobuf.util.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that a branch created through the real Databricks SDK holds a copy of its parent's data,
 * isolated from it, on an endpoint with a host of its own that goes with the branch.
 */
class LocalLakebaseBranchDataIT {

	private static final String PROJECT = "projects/shop";

	private static final String MAIN = PROJECT + "/branches/main";

	private static final String MAIN_ENDPOINT = MAIN + "/endpoints/primary";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().endpoint(MAIN_ENDPOINT));

	@Test
	void branchHasParentsDataOnItsOwnHostAndItsWritesStayThere() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		String user = lakebase.get().defaultIdentity().name();
		String token = workspace.postgres()
			.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(MAIN_ENDPOINT))
			.getToken();
		try (Connection parent = Clients.connect(lakebase.get(), lakebase.get().host(), user, token, "verify-full")) {
			Clients.execute(parent, "CREATE TABLE orders (id int PRIMARY KEY, item text)");
			Clients.execute(parent, "INSERT INTO orders VALUES (1, 'parent row')");

			long start = System.nanoTime();
			Branch branch = workspace.postgres()
				.createBranch(new CreateBranchRequest().setParent(PROJECT)
					.setBranchId("ci-data")
					.setBranch(new Branch().setSpec(new BranchSpec().setSourceBranch(MAIN).setTtl(Durations.fromHours(1)))))
				.waitForCompletion();
			long branchMillis = (System.nanoTime() - start) / 1_000_000;
			start = System.nanoTime();
			com.databricks.sdk.service.postgres.Endpoint endpoint = workspace.postgres()
				.createEndpoint(new CreateEndpointRequest().setParent(branch.getName())
					.setEndpointId("ci-rw")
					.setEndpoint(new com.databricks.sdk.service.postgres.Endpoint()
						.setSpec(new EndpointSpec().setEndpointType(EndpointType.ENDPOINT_TYPE_READ_WRITE))))
				.waitForCompletion();
			long endpointMillis = (System.nanoTime() - start) / 1_000_000;
			System.out.println("Branch created in " + branchMillis + " ms, endpoint in " + endpointMillis + " ms");

			String host = endpoint.getStatus().getHosts().getHost();
			assertThat(endpoint.getName()).isEqualTo(branch.getName() + "/endpoints/ci-rw");
			assertThat(endpoint.getStatus().getCurrentState()).isEqualTo(EndpointStatusState.ACTIVE);
			assertThat(host).isNotEqualTo(lakebase.get().host()).startsWith("127.0.0.");
			assertThat(workspace.postgres().getEndpoint(endpoint.getName()).getStatus().getHosts().getHost())
				.isEqualTo(host);
			assertThat(workspace.postgres().listEndpoints(new ListEndpointsRequest().setParent(branch.getName())))
				.extracting(com.databricks.sdk.service.postgres.Endpoint::getName)
				.containsExactly(endpoint.getName());

			Clients.execute(parent, "INSERT INTO orders VALUES (3, 'parent after branching')");
			String branchToken = workspace.postgres()
				.generateDatabaseCredential(new GenerateDatabaseCredentialRequest().setEndpoint(endpoint.getName()))
				.getToken();
			try (Connection copy = Clients.connect(lakebase.get(), host, user, branchToken, "verify-full")) {
				assertThat(Clients.count(copy, "SELECT count(*) FROM orders WHERE id = 1")).isEqualTo(1);
				assertThat(Clients.count(copy, "SELECT count(*) FROM orders WHERE id = 3")).isZero();
				Clients.execute(copy, "INSERT INTO orders VALUES (2, 'branch row')");
				assertThat(Clients.count(copy, "SELECT count(*) FROM orders")).isEqualTo(2);
			}
			assertThat(Clients.count(parent, "SELECT count(*) FROM orders WHERE id = 2")).isZero();

			workspace.postgres().deleteBranch(branch.getName()).waitForCompletion();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(host, lakebase.get().port()), 2_000);
				}
			});
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Clients.connect(lakebase.get(), host, user, branchToken, "verify-full"));
			assertThat(Clients.count(parent, "SELECT count(*) FROM orders")).isEqualTo(2);
		}
	}

	@Test
	void expiredBranchFreesItsHostWithoutAnyApiCall() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		Branch branch = workspace.postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("short-lived-data")
				.setBranch(new Branch().setSpec(new BranchSpec().setTtl(Durations.fromSeconds(5)))))
			.waitForCompletion();
		String host = Clients.createEndpoint(workspace, branch.getName(), "rw").getStatus().getHosts().getHost();
		String user = lakebase.get().defaultIdentity().name();
		String token = Clients.credential(workspace, branch.getName() + "/endpoints/rw");
		try (Connection copy = Clients.connect(lakebase.get(), host, user, token, "verify-full")) {
			assertThat(Clients.whoAmI(copy)[0]).isEqualTo(user);
		}
		// The housekeeper checks expiry every second: no lookup needed to free the branch.
		long deadline = System.nanoTime() + 15_000_000_000L;
		while (accepts(host) && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		assertThat(accepts(host)).isFalse();
	}

	@Test
	void replacingABranchGivesAFreshCopyWithoutTheOldEndpoints() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		CreateBranchRequest request = new CreateBranchRequest().setParent(PROJECT)
			.setBranchId("rerun-data")
			.setBranch(new Branch().setSpec(new BranchSpec().setTtl(Durations.fromHours(1))));
		Branch first = workspace.postgres().createBranch(request).waitForCompletion();
		String user = lakebase.get().defaultIdentity().name();
		String firstHost = Clients.createEndpoint(workspace, first.getName(), "rw").getStatus().getHosts().getHost();
		try (Connection copy = Clients.connect(lakebase.get(), firstHost, user,
				Clients.credential(workspace, first.getName() + "/endpoints/rw"), "verify-full")) {
			Clients.execute(copy, "CREATE TABLE leftover (id int)");
		}
		Branch second = workspace.postgres().createBranch(request.setReplaceExisting(true)).waitForCompletion();
		assertThat(workspace.postgres().listEndpoints(new ListEndpointsRequest().setParent(second.getName())))
			.isEmpty();
		assertThat(accepts(firstHost)).isFalse();
		String secondHost = Clients.createEndpoint(workspace, second.getName(), "rw").getStatus().getHosts().getHost();
		try (Connection copy = Clients.connect(lakebase.get(), secondHost, user,
				Clients.credential(workspace, second.getName() + "/endpoints/rw"), "verify-full")) {
			assertThat(Clients.count(copy, "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")).isZero();
		}
		workspace.postgres().deleteBranch(second.getName()).waitForCompletion();
	}

	@Test
	void deletedEndpointRefusesConnectionsAndAnotherCanTakeItsPlace() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		Branch branch = workspace.postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("endpoint-churn")
				.setBranch(new Branch().setSpec(new BranchSpec().setTtl(Durations.fromHours(1)))))
			.waitForCompletion();
		String host = Clients.createEndpoint(workspace, branch.getName(), "rw").getStatus().getHosts().getHost();
		assertThat(accepts(host)).isTrue();
		workspace.postgres().deleteEndpoint(branch.getName() + "/endpoints/rw").waitForCompletion();
		assertThat(accepts(host)).isFalse();
		assertThat(workspace.postgres().listEndpoints(new ListEndpointsRequest().setParent(branch.getName())))
			.isEmpty();
		String newHost = Clients.createEndpoint(workspace, branch.getName(), "rw").getStatus().getHosts().getHost();
		assertThat(newHost).isNotEqualTo(host);
		try (Connection copy = Clients.connect(lakebase.get(), newHost, lakebase.get().defaultIdentity().name(),
				Clients.credential(workspace, branch.getName() + "/endpoints/rw"), "verify-full")) {
			assertThat(Clients.whoAmI(copy)[0]).isEqualTo(lakebase.get().defaultIdentity().name());
		}
		workspace.postgres().deleteBranch(branch.getName()).waitForCompletion();
		assertThat(accepts(newHost)).isFalse();
	}

	private static boolean accepts(String host) throws Exception {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, lakebase.get().port()), 2_000);
			return true;
		}
		catch (ConnectException ex) {
			return false;
		}
	}

}
