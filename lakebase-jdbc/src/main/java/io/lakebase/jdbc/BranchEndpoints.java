package io.lakebase.jdbc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointStatus;
import com.databricks.sdk.service.postgres.EndpointType;
import org.jspecify.annotations.Nullable;

/**
 * Finds the endpoint of a branch target ({@link LakebaseTarget#branch}), as Databricks' Python
 * helper does: the branch's read-write endpoint, or for read-only connections a read-only one
 * (else the read-write endpoint, whose readable secondaries may serve them). The first answer is
 * kept: a branch's endpoints keep their names. A branch without a suitable endpoint, or that does
 * not exist, fails with a report listing what exists.
 */
final class BranchEndpoints {

	private final Supplier<WorkspaceClient> workspaceClient;

	private final LakebaseTarget branch;

	private volatile @Nullable List<Endpoint> endpoints;

	BranchEndpoints(Supplier<WorkspaceClient> workspaceClient, LakebaseTarget branch) {
		this.workspaceClient = workspaceClient;
		this.branch = branch;
	}

	/**
	 * Returns the endpoint to connect through.
	 * @param readOnly whether the connection is for read-only transactions
	 * @return the endpoint's description, as listed
	 * @throws LakebaseConfigurationException when the branch has no suitable endpoint or does not
	 * exist
	 * @throws LakebaseWorkspaceException when the workspace cannot tell
	 */
	Endpoint find(boolean readOnly) {
		List<Endpoint> listed = list();
		List<Endpoint> readWrite = ofType(listed, EndpointType.ENDPOINT_TYPE_READ_WRITE);
		if (readOnly) {
			List<Endpoint> replicas = ofType(listed, EndpointType.ENDPOINT_TYPE_READ_ONLY);
			if (!replicas.isEmpty()) {
				return replicas.stream().filter((endpoint) -> !disabled(endpoint)).findFirst().orElse(replicas.get(0));
			}
		}
		if (readWrite.isEmpty()) {
			throw new LakebaseConfigurationException("branch", branchId(),
					"The branch '" + this.branch.name() + "' has no read-write endpoint" + (readOnly ? " and no read-only one" : "")
							+ "; its endpoints: " + describe(listed),
					"Add a compute to the branch in the Lakebase App (your project > branch > Add compute), or set "
							+ "the endpoint itself (projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>) "
							+ "instead of the project and branch.");
		}
		return readWrite.get(0);
	}

	/**
	 * Returns the name of an endpoint of the branch for credential requests: a credential logs in
	 * to any endpoint of the workspace its identity may reach, so the read-write one serves all.
	 * @return the endpoint name
	 */
	String credentialEndpoint() {
		List<Endpoint> listed = list();
		List<Endpoint> readWrite = ofType(listed, EndpointType.ENDPOINT_TYPE_READ_WRITE);
		if (!readWrite.isEmpty()) {
			return readWrite.get(0).getName();
		}
		if (!listed.isEmpty()) {
			return listed.get(0).getName();
		}
		return find(false).getName();
	}

	private List<Endpoint> list() {
		List<Endpoint> known = this.endpoints;
		if (known != null) {
			return known;
		}
		String name = this.branch.name();
		WorkspaceClient client = this.workspaceClient.get();
		List<Endpoint> listed = new ArrayList<>();
		try {
			client.postgres().listEndpoints(name).forEach(listed::add);
		}
		catch (NotFound ex) {
			throw missingBranch(client);
		}
		catch (RuntimeException ex) {
			throw LakebaseWorkspaceException.of(client.config(), this.branch, "Could not list the endpoints of the branch '"
					+ name + "' in workspace " + client.config().getHost() + ": " + ex.getMessage(), ex);
		}
		listed.sort(Comparator.comparing((Endpoint endpoint) -> String.valueOf(endpoint.getName())));
		this.endpoints = List.copyOf(listed);
		return listed;
	}

	private LakebaseConfigurationException missingBranch(WorkspaceClient client) {
		String name = this.branch.name();
		String project = name.substring(0, name.indexOf("/branches/"));
		String branches;
		try {
			List<String> names = new ArrayList<>();
			for (Branch branch : client.postgres().listBranches(project)) {
				names.add(branch.getName().substring(branch.getName().lastIndexOf('/') + 1));
			}
			branches = names.isEmpty() ? "none" : String.join(", ", names);
		}
		catch (NotFound ex) {
			return new LakebaseConfigurationException("project", project.substring(project.indexOf('/') + 1),
					"The project '" + project + "' does not exist in workspace " + client.config().getHost()
							+ ", or the identity may not see it",
					"Set the project id the Lakebase App shows ('databricks postgres list-projects' lists them), and "
							+ "check that the identity has access to it.");
		}
		catch (RuntimeException ex) {
			branches = "unknown (" + ex.getMessage() + ")";
		}
		return new LakebaseConfigurationException("branch", branchId(),
				"The branch '" + name + "' does not exist; the branches of " + project + ": " + branches,
				"Set the branch to one of the project's branches.");
	}

	private String branchId() {
		String name = this.branch.name();
		return name.substring(name.lastIndexOf('/') + 1);
	}

	private static List<Endpoint> ofType(List<Endpoint> endpoints, EndpointType type) {
		return endpoints.stream().filter((endpoint) -> type(endpoint) == type).toList();
	}

	private static @Nullable EndpointType type(Endpoint endpoint) {
		EndpointStatus status = endpoint.getStatus();
		return (status != null) ? status.getEndpointType() : null;
	}

	private static boolean disabled(Endpoint endpoint) {
		EndpointStatus status = endpoint.getStatus();
		return status != null && Boolean.TRUE.equals(status.getDisabled());
	}

	private static String describe(List<Endpoint> endpoints) {
		if (endpoints.isEmpty()) {
			return "none";
		}
		return endpoints.stream()
			.map((endpoint) -> endpoint.getName() + " (" + type(endpoint) + (disabled(endpoint) ? ", disabled" : "") + ")")
			.collect(Collectors.joining(", "));
	}

}
