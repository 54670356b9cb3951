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
import com.databricks.sdk.service.postgres.EndpointSpec;
import com.databricks.sdk.service.postgres.EndpointStatus;
import com.databricks.sdk.service.postgres.EndpointType;
import org.jspecify.annotations.Nullable;

/**
 * Finds the endpoint of a branch target ({@link LakebaseTarget#branch}), as Databricks' Python
 * helper does: the branch's read-write endpoint, or for read-only connections an enabled read-only
 * one (else the read-write endpoint, whose readable secondaries may serve them). Each lookup lists
 * the branch afresh, so that a compute created or started since the last one is found; only the
 * name credentials are requested for is kept, until the API no longer knows it. A branch without
 * a suitable endpoint, or that does not exist, fails with a report listing what exists.
 */
final class BranchEndpoints {

	private final Supplier<WorkspaceClient> workspaceClient;

	private final LakebaseTarget branch;

	private volatile @Nullable String credentialEndpoint;

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
			Endpoint replica = ofType(listed, EndpointType.ENDPOINT_TYPE_READ_ONLY).stream()
				.filter((endpoint) -> !disabled(endpoint))
				.findFirst()
				.orElse(null);
			if (replica != null) {
				return replica;
			}
		}
		if (readWrite.isEmpty()) {
			throw new LakebaseConfigurationException("branch", this.branch.id(),
					"The branch '" + this.branch.name() + "' has no read-write endpoint"
							+ (readOnly ? " and no enabled read-only one" : "") + "; its endpoints: " + describe(listed),
					"Add a compute to the branch in the Lakebase App (your project > branch > Add compute), or set "
							+ "the endpoint itself (projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>) "
							+ "instead of the project and branch.");
		}
		return readWrite.get(0);
	}

	/**
	 * Returns the name of an endpoint of the branch for credential requests: a credential logs in
	 * to any endpoint of the workspace its identity may reach, so the read-write one serves all.
	 * Kept until {@link #forgetCredentialEndpoint()}.
	 * @return the endpoint name
	 */
	String credentialEndpoint() {
		String known = this.credentialEndpoint;
		if (known != null) {
			return known;
		}
		List<Endpoint> listed = list();
		List<Endpoint> readWrite = ofType(listed, EndpointType.ENDPOINT_TYPE_READ_WRITE);
		String found = !readWrite.isEmpty() ? readWrite.get(0).getName()
				: !listed.isEmpty() ? listed.get(0).getName() : find(false).getName();
		this.credentialEndpoint = found;
		return found;
	}

	/**
	 * Forgets the endpoint credentials are requested for, which the API no longer knows (it was
	 * deleted and made anew, say): the next request looks the branch up again.
	 */
	void forgetCredentialEndpoint() {
		this.credentialEndpoint = null;
	}

	private List<Endpoint> list() {
		String name = this.branch.name();
		WorkspaceClient client = this.workspaceClient.get();
		List<Endpoint> listed = new ArrayList<>();
		try {
			client.postgres().listEndpoints(name).forEach(listed::add);
			if (listed.isEmpty()) {
				// An empty branch, or one that does not exist if the API answers so: it tells.
				client.postgres().getBranch(name);
			}
		}
		catch (NotFound ex) {
			throw missingBranch(client);
		}
		catch (RuntimeException ex) {
			throw LakebaseWorkspaceException.of(client.config(), this.branch, "Could not list the endpoints of the branch '"
					+ name + "' in workspace " + client.config().getHost() + ": " + ex.getMessage(), ex);
		}
		listed.sort(Comparator.comparing((Endpoint endpoint) -> String.valueOf(endpoint.getName())));
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
		return new LakebaseConfigurationException("branch", this.branch.id(),
				"The branch '" + name + "' does not exist; the branches of " + project + ": " + branches,
				"Set the branch to one of the project's branches.");
	}

	private static List<Endpoint> ofType(List<Endpoint> endpoints, EndpointType type) {
		return endpoints.stream().filter((endpoint) -> type(endpoint) == type).toList();
	}

	private static @Nullable EndpointType type(Endpoint endpoint) {
		EndpointStatus status = endpoint.getStatus();
		if (status != null && status.getEndpointType() != null) {
			return status.getEndpointType();
		}
		// An endpoint still being created may state its type only in its spec.
		EndpointSpec spec = endpoint.getSpec();
		return (spec != null) ? spec.getEndpointType() : null;
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
