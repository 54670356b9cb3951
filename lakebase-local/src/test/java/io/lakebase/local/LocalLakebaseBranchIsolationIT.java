package io.lakebase.local;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.error.platform.TemporarilyUnavailable;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.ListEndpointsRequest;
import com.google.protobuf.util.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that a session on a created branch's host never reaches the parent's server, whatever
 * races the branch's copy and removal: the states the API passes through only briefly (a branch
 * still being copied, a branch gone while its endpoint starts, a host removed during a login) are
 * set up directly, so that nothing depends on timing.
 */
class LocalLakebaseBranchIsolationIT {

	private static final String PROJECT = "projects/shop";

	private static final String MAIN = PROJECT + "/branches/main";

	private static final String MAIN_ENDPOINT = MAIN + "/endpoints/primary";

	private static final int PROTOCOL_3 = 196608;

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().endpoint(MAIN_ENDPOINT));

	@Test
	void sessionOnAHostRemovedDuringItsLoginIsClosedRatherThanSentToTheParent() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		Branch branch = workspace.postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("login-race")
				.setBranch(new Branch().setSpec(new BranchSpec().setTtl(Durations.fromHours(1)))))
			.waitForCompletion();
		String endpoint = branch.getName() + "/endpoints/rw";
		String host = Clients.createEndpoint(workspace, branch.getName(), "rw").getStatus().getHosts().getHost();
		String token = Clients.credential(workspace, endpoint);
		try (Socket socket = new Socket(host, lakebase.get().port())) {
			socket.setSoTimeout(30_000);
			DataInputStream in = new DataInputStream(socket.getInputStream());
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			sendStartup(out, lakebase.get().defaultIdentity().name(), lakebase.get().database());
			// The front asks for the password: the session was accepted on the branch's host.
			assertThat(in.readByte()).isEqualTo((byte) 'R');
			assertThat(in.readInt()).isEqualTo(8);
			assertThat(in.readInt()).isEqualTo(3);

			workspace.postgres().deleteEndpoint(endpoint).waitForCompletion();

			byte[] password = token.getBytes(StandardCharsets.UTF_8);
			out.writeByte('p');
			out.writeInt(4 + password.length + 1);
			out.write(password);
			out.writeByte(0);
			out.flush();
			// Closed without a word, as the host now refuses connections: no AuthenticationOk from
			// any server.
			assertThat(nextByte(in)).isEqualTo(-1);
		}
		workspace.postgres().deleteBranch(branch.getName()).waitForCompletion();
	}

	@Test
	void branchStillBeingCopiedGetsNoEndpointOrBranchUntilItsCopyRunsAndThenServesTheCopy() throws Exception {
		WorkspaceClient workspace = Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
		WorkspaceClient withoutRetries = withoutRetries(lakebase.get());
		// As during createBranch: the branch is in the workspace, its copy has not run yet.
		Workspace.CreatedBranch copying = lakebase.get()
			.workspace()
			.createBranch(PROJECT + "/branches/copying", MAIN, null, false);
		assertThat(copying).isNotNull();

		assertThatExceptionOfType(TemporarilyUnavailable.class)
			.isThrownBy(() -> Clients.createEndpoint(withoutRetries, copying.name(), "rw"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("TEMPORARILY_UNAVAILABLE"));
		assertThat(workspace.postgres().listEndpoints(new ListEndpointsRequest().setParent(copying.name())))
			.isEmpty();
		assertThatExceptionOfType(TemporarilyUnavailable.class)
			.isThrownBy(() -> withoutRetries.postgres()
				.createBranch(new CreateBranchRequest().setParent(PROJECT)
					.setBranchId("copy-of-copying")
					.setBranch(new Branch().setSpec(new BranchSpec().setSourceBranch(copying.name())))));
		assertThat(lakebase.get().workspace().hasBranch(PROJECT + "/branches/copy-of-copying")).isFalse();

		lakebase.get().branchComputes().startBranch(copying);
		String user = lakebase.get().defaultIdentity().name();
		try (Connection parent = Clients.connect(lakebase.get(), lakebase.get().host(), user,
				Clients.credential(workspace, MAIN_ENDPOINT), "verify-full")) {
			Clients.execute(parent, "CREATE TABLE after_copy (id int)");
		}
		String host = Clients.createEndpoint(workspace, copying.name(), "rw").getStatus().getHosts().getHost();
		try (Connection copy = Clients.connect(lakebase.get(), host, user,
				Clients.credential(workspace, copying.name() + "/endpoints/rw"), "verify-full")) {
			assertThat(Clients.count(copy, "SELECT count(*) FROM pg_tables WHERE tablename = 'after_copy'")).isZero();
		}
		workspace.postgres().deleteBranch(copying.name()).waitForCompletion();
	}

	@Test
	void endpointWhoseBranchGoesWhileItStartsGetsNoHost() throws Exception {
		Workspace workspace = lakebase.get().workspace();
		BranchComputes computes = lakebase.get().branchComputes();

		// Deleted after its endpoint was added, before the endpoint's host: the server is gone.
		Workspace.CreatedBranch deleted = workspace.createBranch(PROJECT + "/branches/deleted", MAIN, null, false);
		assertThat(deleted).isNotNull();
		computes.startBranch(deleted);
		Endpoint orphan = new Endpoint(deleted.name() + "/endpoints/rw", false, false);
		assertThat(workspace.addEndpoint(orphan)).isTrue();
		workspace.deleteBranch(deleted.name());
		assertThatExceptionOfType(BranchComputes.NoServerException.class)
			.isThrownBy(() -> computes.startEndpoint(orphan));
		assertThat(computes.host(orphan.name())).isEmpty();

		// Replaced meanwhile: the new branch has a server, but the endpoint went with the old one.
		Workspace.CreatedBranch first = workspace.createBranch(PROJECT + "/branches/replaced", MAIN, null, false);
		assertThat(first).isNotNull();
		computes.startBranch(first);
		Endpoint stale = new Endpoint(first.name() + "/endpoints/rw", false, false);
		assertThat(workspace.addEndpoint(stale)).isTrue();
		Workspace.CreatedBranch second = workspace.createBranch(first.name(), MAIN, null, true);
		assertThat(second).isNotNull();
		computes.startBranch(second);
		assertThatExceptionOfType(BranchComputes.NoServerException.class)
			.isThrownBy(() -> computes.startEndpoint(stale));
		assertThat(computes.host(stale.name())).isEmpty();
		workspace.deleteBranch(second.name());
	}

	private static WorkspaceClient withoutRetries(LocalLakebase lakebase) {
		Identity identity = lakebase.defaultIdentity();
		return new WorkspaceClient(new DatabricksConfig().setHost(lakebase.workspaceUrl())
			.setClientId(identity.name())
			.setClientSecret(identity.secret())
			.setAuthType("oauth-m2m")
			.setHttpTimeoutSeconds(10)
			.setDisableRetries(true));
	}

	// A plaintext StartupMessage, protocol 3.0.
	private static void sendStartup(DataOutputStream out, String user, String database) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (String value : new String[] { "user", user, "database", database }) {
			body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			body.write(0);
		}
		body.write(0);
		out.writeInt(8 + body.size());
		out.writeInt(PROTOCOL_3);
		out.write(body.toByteArray());
		out.flush();
	}

	// The next byte from the front, -1 once it closed the connection (a reset counts as closed).
	private static int nextByte(DataInputStream in) throws IOException {
		try {
			return in.read();
		}
		catch (SocketException ex) {
			return -1;
		}
	}

}
