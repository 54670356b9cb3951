package io.lakebase.test;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.StreamSupport;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.ResourceConflict;
import com.databricks.sdk.service.common.lro.LroOptions;
import com.databricks.sdk.service.postgres.Branch;
import com.databricks.sdk.service.postgres.BranchSpec;
import com.databricks.sdk.service.postgres.BranchStatus;
import com.databricks.sdk.service.postgres.CreateBranchRequest;
import com.databricks.sdk.service.postgres.CreateEndpointRequest;
import com.databricks.sdk.service.postgres.DeleteBranchOperation;
import com.databricks.sdk.service.postgres.Endpoint;
import com.databricks.sdk.service.postgres.EndpointHosts;
import com.databricks.sdk.service.postgres.EndpointSpec;
import com.databricks.sdk.service.postgres.EndpointStatusState;
import com.databricks.sdk.service.postgres.EndpointType;
import com.databricks.sdk.service.postgres.PostgresAPI;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionException;
import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.jdbc.LakebaseTarget;
import io.lakebase.jdbc.LakebaseWorkspaceClients;
import io.lakebase.jdbc.LakebaseWorkspaceException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes test branches through the Databricks SDK's {@code postgres} service: {@code getBranch}
 * and {@code listEndpoints} of the parent, {@code createBranch} (with {@code source_branch},
 * {@code ttl}, and {@code replace_existing} for a fixed id), {@code listEndpoints} and if there is
 * no read-write compute {@code createEndpoint} on the new branch, {@code getEndpoint} until the
 * compute is {@code ACTIVE}, a first login, and {@code deleteBranch} afterwards.
 *
 * <p>
 * Never hands out the parent's host: the compute must belong to the new branch and its host must
 * be none of the parent's. A branch whose creation fails half way is deleted.
 *
 * @since 0.1.0
 */
public final class TestBranches {

	/** The id of the read-write compute made on a branch that has none. */
	public static final String ENDPOINT_ID = "primary";

	private static final Logger logger = LoggerFactory.getLogger(TestBranches.class);

	private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
		.withZone(ZoneOffset.UTC);

	private static final SecureRandom random = new SecureRandom();

	// SQLSTATEs of a login refused for its role: invalid_authorization_specification (no such
	// role), invalid_password.
	private static final Set<String> ROLE_REFUSED = Set.of("28000", "28P01");

	private TestBranches() {
	}

	/**
	 * Creates a branch of the settings' parent, with a read-write compute that accepts a login,
	 * within the settings' timeout.
	 * @param settings what to branch and how to reach it
	 * @return the branch, to close (delete) when done
	 * @throws TestBranchException naming the property to change, or the step that failed
	 */
	public static TestBranch create(TestBranchSettings settings) {
		try {
			return createOrFail(settings);
		}
		catch (LakebaseConfigurationException ex) {
			throw new TestBranchException("lakebase." + ex.getSetting(), "Could not log in to a branch of "
					+ settings.parent() + ": " + ex.getMessage() + ". " + ex.getAction(), ex);
		}
		catch (LakebaseWorkspaceException | DatabricksException ex) {
			// Not a step's failure reported above: the workspace itself (its URL, the identity's
			// authentication or permissions).
			throw new TestBranchException("lakebase.workspace.host", "The Databricks workspace could not make a "
					+ "branch of " + settings.parent() + ": " + ex.getMessage() + ". Check lakebase.workspace.* (or "
					+ "the DATABRICKS_* environment variables): the workspace URL and an identity allowed to "
					+ "manage the project.", ex);
		}
	}

	private static TestBranch createOrFail(TestBranchSettings settings) {
		long started = System.nanoTime();
		long deadline = started + settings.timeout().toNanos();
		WorkspaceClient client = LakebaseWorkspaceClients.create(settings.databricksConfig(),
				LakebaseTarget.branch(settings.project(), settings.parentBranchId()));
		PostgresAPI postgres = client.postgres();
		Branch branch;
		Set<String> parentHosts;
		try {
			parentHosts = parentHosts(postgres, settings);
			branch = createBranch(postgres, settings, deadline);
		}
		catch (RuntimeException ex) {
			LakebaseWorkspaceClients.close(client);
			throw ex;
		}
		long branchReady = System.nanoTime();
		try {
			Endpoint endpoint = readWriteEndpoint(postgres, branch, settings, deadline);
			long computeReady = System.nanoTime();
			String host = ownHost(branch, endpoint, parentHosts);
			TestBranch created = new TestBranch(settings, client, branch.getName(), endpoint.getName(), host,
					expireTime(branch));
			String role = firstLogin(created, settings, deadline);
			long loggedIn = System.nanoTime();
			created.ready(Duration.ofNanos(loggedIn - started));
			logger.info("Lakebase test branch {} (from {}) ready in {} ms: branch {} ms, compute {} ms, first login "
					+ "{} ms; compute {} on {}; expires {}", branch.getName(), settings.parent(),
					millis(loggedIn - started), millis(branchReady - started), millis(computeReady - branchReady),
					millis(loggedIn - computeReady), endpoint.getName(), host, created.expireTime());
			logger.debug("Lakebase test branch {}: first login as {}", branch.getName(), role);
			return created;
		}
		catch (RuntimeException ex) {
			delete(postgres, branch.getName(), false);
			LakebaseWorkspaceClients.close(client);
			throw ex;
		}
	}

	// Not waited for: the workspace finishes it, and the branch's TTL stands in should it fail;
	// waiting would hold up the end of the run (and a shutdown hook) for each branch. But a fixed
	// id is made again by the next run, perhaps seconds later: that delete is waited for (at most a
	// minute), so that the next createBranch does not meet a branch being deleted.
	static void delete(PostgresAPI postgres, String name, boolean fixedId) {
		try {
			DeleteBranchOperation deleting = postgres.deleteBranch(name);
			if (fixedId) {
				deleting.waitForCompletion(Optional.of(LroOptions.withTimeout(Duration.ofMinutes(1))));
			}
			logger.info("Deleted Lakebase test branch {}", name);
		}
		catch (NotFound ex) {
			logger.info("Lakebase test branch {} is already gone (its TTL ended, or someone deleted it)", name);
		}
		catch (TimeoutException | RuntimeException ex) {
			logger.warn("Could not delete Lakebase test branch {} ({}); its TTL removes it", name, ex.toString());
		}
	}

	private static Set<String> parentHosts(PostgresAPI postgres, TestBranchSettings settings) {
		try {
			postgres.getBranch(settings.parent());
		}
		catch (NotFound ex) {
			throw missingParent(postgres, settings, ex);
		}
		Set<String> hosts = new HashSet<>();
		for (Endpoint endpoint : postgres.listEndpoints(settings.parent())) {
			EndpointHosts endpointHosts = (endpoint.getStatus() != null) ? endpoint.getStatus().getHosts() : null;
			if (endpointHosts != null) {
				addHost(hosts, endpointHosts.getHost());
				addHost(hosts, endpointHosts.getReadOnlyHost());
				addHost(hosts, endpointHosts.getReadWritePooledHost());
				addHost(hosts, endpointHosts.getReadOnlyPooledHost());
			}
		}
		return hosts;
	}

	private static TestBranchException missingParent(PostgresAPI postgres, TestBranchSettings settings,
			NotFound cause) {
		String project = "projects/" + settings.project();
		List<String> branches = new ArrayList<>();
		try {
			for (Branch branch : postgres.listBranches(project)) {
				branches.add(branch.getName().substring(branch.getName().lastIndexOf('/') + 1));
			}
		}
		catch (NotFound ex) {
			return new TestBranchException(TestBranchSettings.PARENT, TestBranchSettings.PARENT + " is "
					+ settings.parent() + ", but the project " + project + " does not exist or this workspace "
					+ "identity cannot see it. Set " + TestBranchSettings.PARENT + " to a branch of a project of "
					+ "this workspace ('databricks postgres list-projects' lists them).", cause);
		}
		return new TestBranchException(TestBranchSettings.PARENT, TestBranchSettings.PARENT + " is "
				+ settings.parent() + ", which does not exist; the branches of " + project + ": "
				+ (branches.isEmpty() ? "none" : String.join(", ", branches)) + ". Set " + TestBranchSettings.PARENT
				+ " to one of them.", cause);
	}

	private static Branch createBranch(PostgresAPI postgres, TestBranchSettings settings, long deadline) {
		BranchSpec spec = new BranchSpec().setSourceBranch(settings.parent())
			.setTtl(Durations.fromMillis(settings.ttl().toMillis()));
		if (settings.parentTime() != null) {
			spec.setSourceBranchTime(Timestamps.fromMillis(settings.parentTime().toEpochMilli()));
		}
		String fixedId = settings.branchId();
		// A fixed id is the same on every run: replace what a run before left. A generated id is
		// new; should it collide anyway, take another rather than replace someone else's branch.
		String leftUid = (fixedId != null) ? leftByARunBefore(postgres, settings, fixedId) : null;
		boolean replace = fixedId != null;
		for (int attempt = 1;; attempt++) {
			String id = (fixedId != null) ? fixedId : newId();
			String expected = "projects/" + settings.project() + "/branches/" + id;
			CreateBranchRequest request = new CreateBranchRequest().setParent("projects/" + settings.project())
				.setBranchId(id)
				.setBranch(new Branch().setSpec(spec));
			if (replace) {
				request.setReplaceExisting(true);
			}
			// Before the request: a branch must not be created once the time is up (no one would delete it).
			Duration left = left(deadline, settings);
			try {
				Branch branch = postgres.createBranch(request).waitForCompletion(Optional.of(LroOptions.withTimeout(left)));
				if (leftUid != null && leftUid.equals(branch.getUid())) {
					// Updated in place (the SDK documents replace_existing as "update the branch"):
					// the data of the run before would still be there. Delete it and branch again.
					logger.info("Lakebase test branch {} was kept by replace_existing; deleting it and branching again",
							expected);
					deleteAndWait(postgres, expected, deadline, settings);
					leftUid = null;
					replace = false;
					continue;
				}
				if (!expected.equals(branch.getName())) {
					delete(postgres, expected, false);
					throw new TestBranchException(TestBranchSettings.PARENT, "Creating " + expected
							+ " answered another branch, " + branch.getName() + ": refusing to run tests on it.");
				}
				return branch;
			}
			catch (ResourceConflict ex) {
				refuseConflict(settings, id, attempt, ex);
			}
			catch (NotFound ex) {
				throw missingParent(postgres, settings, ex);
			}
			catch (PermissionDenied ex) {
				throw new TestBranchException(TestBranchSettings.PARENT, "This workspace identity may not create "
						+ "branches in projects/" + settings.project() + " (" + ex.getMessage() + "). Grant it "
						+ "CAN_MANAGE on the project, or set lakebase.workspace.* to an identity that has it.", ex);
			}
			catch (TimeoutException ex) {
				delete(postgres, "projects/" + settings.project() + "/branches/" + id, false);
				throw timedOut("the branch " + id, settings, ex);
			}
			catch (DatabricksException ex) {
				if (ex.getMessage() != null && ex.getMessage().contains("ALREADY_EXISTS")) {
					// A long-running operation's failure: a plain DatabricksException naming its code.
					refuseConflict(settings, id, attempt, ex);
					continue;
				}
				String property = (settings.parentTime() != null) ? TestBranchSettings.PARENT_TIME
						: TestBranchSettings.PARENT;
				String time = (settings.parentTime() != null) ? " at " + TestBranchSettings.PARENT_TIME + " "
						+ settings.parentTime() : "";
				throw new TestBranchException(property, "Could not branch " + settings.parent() + time + ": "
						+ ex.getMessage(), ex);
			}
		}
	}

	private static void refuseConflict(TestBranchSettings settings, String id, int attempt, RuntimeException ex) {
		if (settings.branchId() != null || attempt > 2) {
			throw new TestBranchException(TestBranchSettings.BRANCH_ID, "Could not create the branch '" + id
					+ "' in projects/" + settings.project() + ": " + ex.getMessage(), ex);
		}
	}

	// The uid of the branch a run before left under the fixed id, or null; any other branch there
	// (the parent, someone's own branch) is refused rather than replaced or deleted.
	private static @Nullable String leftByARunBefore(PostgresAPI postgres, TestBranchSettings settings, String id) {
		String name = "projects/" + settings.project() + "/branches/" + id;
		if (id.equals(settings.parentBranchId())) {
			throw new TestBranchException(TestBranchSettings.BRANCH_ID, TestBranchSettings.BRANCH_ID + " is '" + id
					+ "', the parent's own id: set another id (such as ci-pr-123), or remove it.");
		}
		Branch existing;
		try {
			existing = postgres.getBranch(name);
		}
		catch (NotFound ex) {
			return null;
		}
		BranchStatus status = existing.getStatus();
		String source = (status != null && status.getSourceBranch() != null) ? status.getSourceBranch()
				: (existing.getSpec() != null) ? existing.getSpec().getSourceBranch() : null;
		boolean expires = status != null && status.getExpireTime() != null;
		boolean protectedBranch = status != null && Boolean.TRUE.equals(status.getIsProtected());
		if (!settings.parent().equals(source) || !expires || protectedBranch) {
			throw new TestBranchException(TestBranchSettings.BRANCH_ID, TestBranchSettings.BRANCH_ID + " is '" + id
					+ "', but " + name + " is not a test branch of " + settings.parent() + " (made from " + source
					+ (expires ? "" : ", with no expiry") + (protectedBranch ? ", protected" : "")
					+ "): refusing to replace it. Set another id, or remove it to get a new id on each run.");
		}
		return existing.getUid();
	}

	private static void deleteAndWait(PostgresAPI postgres, String name, long deadline, TestBranchSettings settings) {
		try {
			postgres.deleteBranch(name).waitForCompletion(Optional.of(LroOptions.withTimeout(left(deadline, settings))));
		}
		catch (TimeoutException ex) {
			throw timedOut("deleting " + name + " (left by a run before)", settings, ex);
		}
	}

	private static Endpoint readWriteEndpoint(PostgresAPI postgres, Branch branch, TestBranchSettings settings,
			long deadline) {
		Endpoint endpoint = StreamSupport.stream(postgres.listEndpoints(branch.getName()).spliterator(), false)
			.filter(TestBranches::isReadWrite)
			.findFirst()
			.orElse(null);
		if (endpoint == null) {
			Duration left = left(deadline, settings);
			try {
				endpoint = postgres
					.createEndpoint(new CreateEndpointRequest().setParent(branch.getName())
						.setEndpointId(ENDPOINT_ID)
						.setEndpoint(new Endpoint()
							.setSpec(new EndpointSpec().setEndpointType(EndpointType.ENDPOINT_TYPE_READ_WRITE))))
					.waitForCompletion(Optional.of(LroOptions.withTimeout(left)));
			}
			catch (TimeoutException ex) {
				throw timedOut("a read-write compute on " + branch.getName(), settings, ex);
			}
		}
		return awaitActive(postgres, endpoint, settings, deadline);
	}

	private static boolean isReadWrite(Endpoint endpoint) {
		EndpointType type = (endpoint.getStatus() != null && endpoint.getStatus().getEndpointType() != null)
				? endpoint.getStatus().getEndpointType()
				: (endpoint.getSpec() != null) ? endpoint.getSpec().getEndpointType() : null;
		boolean disabled = endpoint.getStatus() != null && Boolean.TRUE.equals(endpoint.getStatus().getDisabled());
		return type == EndpointType.ENDPOINT_TYPE_READ_WRITE && !disabled;
	}

	// ACTIVE, or IDLE (suspended: the first connection wakes it); INIT and DEGRADED are waited out.
	private static Endpoint awaitActive(PostgresAPI postgres, Endpoint created, TestBranchSettings settings,
			long deadline) {
		Endpoint endpoint = created;
		long pause = 100;
		while (true) {
			EndpointStatusState state = (endpoint.getStatus() != null) ? endpoint.getStatus().getCurrentState() : null;
			if (state == EndpointStatusState.ACTIVE || state == EndpointStatusState.IDLE) {
				return endpoint;
			}
			if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
				throw timedOut("the compute " + endpoint.getName() + " (still " + state + ")", settings, null);
			}
			sleep(pause);
			pause = Math.min(pause * 2, 2000);
			endpoint = postgres.getEndpoint(endpoint.getName());
		}
	}

	// The Neon pitfall: a create call that answers the parent's connection details.
	private static String ownHost(Branch branch, Endpoint endpoint, Set<String> parentHosts) {
		String host = (endpoint.getStatus() != null && endpoint.getStatus().getHosts() != null)
				? endpoint.getStatus().getHosts().getHost() : null;
		if (endpoint.getName() == null || !endpoint.getName().startsWith(branch.getName() + "/endpoints/")) {
			throw new TestBranchException(TestBranchSettings.PARENT, "The compute found for " + branch.getName()
					+ " is " + endpoint.getName() + ", which belongs to another branch: refusing to run tests on it.");
		}
		if (host == null || host.isBlank()) {
			throw new TestBranchException(TestBranchSettings.TIMEOUT, "The compute " + endpoint.getName()
					+ " reports no host yet; raise " + TestBranchSettings.TIMEOUT + " if it is still starting.");
		}
		if (parentHosts.contains(host.toLowerCase())) {
			throw new TestBranchException(TestBranchSettings.PARENT, "The compute " + endpoint.getName()
					+ " answers the host " + host + ", which is one of the parent's: refusing to run tests against "
					+ "the parent's data.");
		}
		return host;
	}

	// Also tells "the role was not there when the branch was made" apart from other failures.
	private static String firstLogin(TestBranch branch, TestBranchSettings settings, long deadline) {
		// verify() logs in through the login data source alone: the pool is never started.
		try (LakebaseDataSource dataSource = branch.newDataSource()) {
			return dataSource.verify(left(deadline, settings)).username();
		}
		catch (LakebaseConnectionException ex) {
			SQLException sql = ex.getSqlException();
			String role = ex.getConnection().username();
			if (sql != null && ROLE_REFUSED.contains(sql.getSQLState())) {
				throw new TestBranchException(TestBranchSettings.PARENT, "The branch " + branch.name()
						+ " refused the login of the role '" + role + "' (" + sql.getSQLState() + "). Roles must exist "
						+ "before branching: a branch has the roles of its parent at its creation. Create the role "
						+ "on " + settings.parent() + " (databricks_create_role, or the project's Roles page) and "
						+ "run again.", ex);
			}
			throw new TestBranchException(TestBranchSettings.PARENT, "Could not log in to the branch "
					+ branch.name() + " as '" + role + "': " + ex.getMessage(), ex);
		}
	}

	private static TestBranchException timedOut(String what, TestBranchSettings settings,
			@Nullable Exception cause) {
		return new TestBranchException(TestBranchSettings.TIMEOUT, what + " was not ready within "
				+ TestBranchSettings.TIMEOUT + " (" + settings.timeout() + "). Raise " + TestBranchSettings.TIMEOUT
				+ " (such as 10m) if the workspace is slow to start computes.", cause);
	}

	private static @Nullable Instant expireTime(Branch branch) {
		if (branch.getStatus() != null && branch.getStatus().getExpireTime() != null) {
			return Instant.ofEpochMilli(Timestamps.toMillis(branch.getStatus().getExpireTime()));
		}
		if (branch.getSpec() != null && branch.getSpec().getExpireTime() != null) {
			return Instant.ofEpochMilli(Timestamps.toMillis(branch.getSpec().getExpireTime()));
		}
		return null;
	}

	static String newId() {
		String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
		StringBuilder suffix = new StringBuilder();
		for (int i = 0; i < 6; i++) {
			suffix.append(letters.charAt(random.nextInt(letters.length())));
		}
		return "test-" + ID_TIME.format(Instant.now()) + "-" + suffix;
	}

	private static void addHost(Set<String> hosts, @Nullable String host) {
		if (host != null && !host.isBlank()) {
			hosts.add(host.toLowerCase());
		}
	}

	private static Duration left(long deadline, TestBranchSettings settings) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			throw timedOut("the branch", settings, null);
		}
		return Duration.ofNanos(left);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TestBranchException(TestBranchSettings.TIMEOUT, "Interrupted while waiting for the branch", ex);
		}
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

}
