package io.lakebase.local;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.AlreadyExists;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.BranchStatusState;
import com.databricks.sdk.service.postgres.CreateBranchOperation;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.GetBranchRequest;
import com.databricks.sdk.service.postgres.ListBranchesRequest;
import com.google.protobuf.util.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of the branch API of the mock workspace (create, wait, get, delete, expiry) through the
 * real Databricks SDK. Work in progress for issue 26: branches have no data of their own yet.
 */
class LocalLakebaseBranchApiIT {

	private static final String PROJECT = "projects/shop";

	private static final String MAIN = PROJECT + "/branches/main";

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(
			LocalLakebase.builder().endpoint(MAIN + "/endpoints/primary"));

	@Test
	void createdBranchIsReadyWithItsSourceAndExpiryAndDeletable() throws Exception {
		WorkspaceClient workspace = client();
		CreateBranchOperation operation = workspace.postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("ci-run-1")
				.setBranch(new Branch().setSpec(new BranchSpec().setSourceBranch(MAIN).setTtl(Durations.fromHours(1)))));
		Branch created = operation.waitForCompletion();
		assertThat(created.getName()).isEqualTo(PROJECT + "/branches/ci-run-1");
		assertThat(created.getStatus().getCurrentState()).isEqualTo(BranchStatusState.READY);
		assertThat(created.getStatus().getSourceBranch()).isEqualTo(MAIN);
		assertThat(created.getStatus().getDefault()).isFalse();
		assertThat(created.getStatus().getExpireTime().getSeconds())
			.isBetween(created.getCreateTime().getSeconds() + 3599, created.getCreateTime().getSeconds() + 3601);
		Branch fetched = workspace.postgres().getBranch(new GetBranchRequest().setName(created.getName()));
		assertThat(fetched.getUid()).isEqualTo(created.getUid());
		assertThat(workspace.postgres().listBranches(new ListBranchesRequest().setParent(PROJECT)))
			.extracting(Branch::getName)
			.containsExactly(MAIN, created.getName());
		workspace.postgres().deleteBranch(created.getName()).waitForCompletion();
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> workspace.postgres().getBranch(new GetBranchRequest().setName(created.getName())));
	}

	@Test
	void nameCollisionFailsUnlessReplaceExisting() throws Exception {
		WorkspaceClient workspace = client();
		CreateBranchRequest request = new CreateBranchRequest().setParent(PROJECT)
			.setBranchId("rerun")
			.setBranch(new Branch().setSpec(new BranchSpec().setNoExpiry(true)));
		Branch first = workspace.postgres().createBranch(request).waitForCompletion();
		assertThatExceptionOfType(AlreadyExists.class).isThrownBy(() -> workspace.postgres().createBranch(request));
		Branch second = workspace.postgres().createBranch(request.setReplaceExisting(true)).waitForCompletion();
		assertThat(second.getName()).isEqualTo(first.getName());
		assertThat(second.getUid()).isNotEqualTo(first.getUid());
		assertThat(second.getStatus().getExpireTime()).isNull();
		workspace.postgres().deleteBranch(second.getName()).waitForCompletion();
	}

	@Test
	void branchIsGoneAfterItsTtl() throws Exception {
		WorkspaceClient workspace = client();
		Branch created = workspace.postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("short-lived")
				.setBranch(new Branch().setSpec(new BranchSpec().setTtl(Durations.fromSeconds(1)))))
			.waitForCompletion();
		assertThat(created.getStatus().getSourceBranch()).isEqualTo(MAIN);
		Thread.sleep(1_500);
		assertThatExceptionOfType(NotFound.class)
			.isThrownBy(() -> workspace.postgres().getBranch(new GetBranchRequest().setName(created.getName())));
	}

	@Test
	void missingSourceBranchIsNotFound() {
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> client().postgres()
			.createBranch(new CreateBranchRequest().setParent(PROJECT)
				.setBranchId("orphan")
				.setBranch(new Branch().setSpec(new BranchSpec().setSourceBranch(PROJECT + "/branches/nope")))));
	}

	private static WorkspaceClient client() {
		return Clients.servicePrincipal(lakebase.get(), lakebase.get().defaultIdentity());
	}

}
