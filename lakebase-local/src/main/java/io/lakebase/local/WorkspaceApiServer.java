package io.lakebase.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;

/**
 * The mock Databricks workspace REST API: OAuth discovery and token endpoint, PAT authentication,
 * the Autoscaling and Provisioned credential and lookup APIs (with the Autoscaling branches and
 * the lists of a project's branches and of a branch's endpoints) and SCIM "Me", answering with the
 * status codes and error bodies of the real service so that the Databricks SDK works unchanged.
 */
final class WorkspaceApiServer implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	// Matched in this order: the lists and the branch first, then anything else as an endpoint name.
	private static final Pattern ENDPOINTS_PATH = Pattern
		.compile("/api/2\\.0/postgres/(projects/[^/]+/branches/[^/]+)/endpoints");

	private static final Pattern BRANCHES_PATH = Pattern.compile("/api/2\\.0/postgres/(projects/[^/]+)/branches");

	private static final Pattern BRANCH_PATH = Pattern.compile("/api/2\\.0/postgres/(projects/[^/]+/branches/[^/]+)");

	private static final Pattern ENDPOINT_PATH = Pattern.compile("/api/2\\.0/postgres/(projects/.+)");

	private static final Pattern OPERATION_PATH = Pattern
		.compile("/api/2\\.0/postgres/(projects/[^/]+/branches/[^/]+(?:/endpoints/[^/]+)?/operations/[^/]+)");

	// A branch id as the SDK documents it: 1 to 63 characters, a lowercase letter first.
	private static final Pattern BRANCH_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

	private static final Pattern INSTANCE_PATH = Pattern.compile("/api/2\\.0/database/instances/([^/]+)");

	private static final Pattern TTL = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?s");

	static final String WORKSPACE_ID = "1234567890123456";

	// The pooled hosts without the emulated pooler: a name that never resolves, as older Lakebase
	// documents said the pooler refuses OAuth roles, so that a client using it fails at once.
	private static final String UNRESOLVABLE_POOLED_HOST = "pooler.lakebase.invalid";

	private final Workspace workspace;

	// Long-running operations by name; every one is done when created. Never pruned: a few per
	// branch or endpoint made, for the life of the emulator.
	private final Map<String, ObjectNode> operations = new ConcurrentHashMap<>();

	private final Faults faults;

	private final Stats stats;

	private final Hosts hosts;

	private final BranchComputes computes;

	private final BooleanSupplier computeSuspended;

	private final HttpServer server;

	private final ExecutorService executor;

	WorkspaceApiServer(Workspace workspace, Faults faults, Stats stats, Hosts hosts, BranchComputes computes,
			BooleanSupplier computeSuspended, int port) throws IOException {
		this.workspace = workspace;
		this.faults = faults;
		this.stats = stats;
		this.hosts = hosts;
		this.computes = computes;
		this.computeSuspended = computeSuspended;
		try {
			// The literal address that url() names, whatever the JVM's preference for IPv6.
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Hosts.PRIMARY), port), 64);
		}
		catch (BindException ex) {
			throw new BindException("Port " + port + " of the workspace API is in use");
		}
		this.executor = Executors.newFixedThreadPool(16, LocalThreads.factory("lakebase-local-api"));
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		Reply reply;
		Identity caller = null;
		String path = exchange.getRequestURI().getPath();
		try {
			if (this.faults.isWorkspaceDown()) {
				reply = error(503, "TEMPORARILY_UNAVAILABLE", "The workspace is temporarily unavailable.");
			}
			else if (path.equals("/.well-known/databricks-config")) {
				reply = hostMetadata();
			}
			else if (path.equals("/oidc/.well-known/oauth-authorization-server")) {
				reply = authorizationServer();
			}
			else if (path.equals("/oidc/v1/token")) {
				reply = token(exchange);
			}
			else if (path.startsWith("/api/")) {
				if (this.faults.isApiDown()) {
					int status = this.faults.apiOutageStatus();
					reply = (status == 503)
							? error(503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable.")
							: error(status, "INTERNAL_ERROR", "The service failed to handle the request.");
				}
				else {
					caller = authenticate(exchange);
					reply = (caller != null) ? api(exchange, path, caller) : error(401, "UNAUTHENTICATED",
							"Credential was not sent or was of an unsupported type for this API.");
				}
			}
			else {
				reply = error(404, "ENDPOINT_NOT_FOUND", "No API found for '" + exchange.getRequestMethod() + " " + path + "'");
			}
		}
		catch (BadRequest ex) {
			reply = error(400, "INVALID_PARAMETER_VALUE", ex.getMessage());
		}
		catch (RuntimeException ex) {
			reply = error(500, "INTERNAL_ERROR", ex.getClass().getSimpleName());
		}
		this.stats.recordRequest(exchange.getRequestMethod(), path, reply.status(),
				(caller != null) ? caller.name() : null);
		send(exchange, reply);
	}

	private Reply hostMetadata() {
		ObjectNode body = JSON.createObjectNode()
			.put("oidc_endpoint", url() + "/oidc")
			.put("workspace_id", WORKSPACE_ID);
		return new Reply(200, body, null);
	}

	private Reply authorizationServer() {
		ObjectNode body = JSON.createObjectNode()
			.put("issuer", url() + "/oidc")
			.put("token_endpoint", url() + "/oidc/v1/token")
			.put("authorization_endpoint", url() + "/oidc/v1/authorize");
		body.putArray("grant_types_supported")
			.add("client_credentials")
			.add("urn:ietf:params:oauth:grant-type:token-exchange");
		return new Reply(200, body, null);
	}

	private Reply token(HttpExchange exchange) throws IOException {
		if (!exchange.getRequestMethod().equals("POST")) {
			return oauthError(405, "invalid_request", "Use POST");
		}
		Map<String, String> form = parseForm(readBody(exchange));
		String grantType = form.getOrDefault("grant_type", "");
		Identity identity;
		if (grantType.equals("client_credentials")) {
			String[] client = clientCredentials(exchange, form);
			identity = (client != null) ? this.workspace.servicePrincipal(client[0], client[1]) : null;
			if (identity == null) {
				return oauthError(401, "invalid_client", "Client authentication failed");
			}
		}
		else if (grantType.equals("urn:ietf:params:oauth:grant-type:token-exchange")) {
			String subjectToken = form.get("subject_token");
			identity = (subjectToken != null) ? this.workspace.federated(subjectToken, form.get("client_id")) : null;
			if (identity == null) {
				return oauthError(401, "invalid_grant", "The subject token is not accepted by any federation policy");
			}
		}
		else {
			return oauthError(400, "unsupported_grant_type", "Unsupported grant type");
		}
		Workspace.AccessToken token = this.workspace.issueAccessToken(identity);
		ObjectNode body = JSON.createObjectNode()
			.put("access_token", token.value())
			.put("token_type", "Bearer")
			.put("expires_in", this.workspace.accessTokenLifetime().toSeconds())
			.put("scope", form.getOrDefault("scope", "all-apis"));
		return new Reply(200, body, null);
	}

	private static String @Nullable [] clientCredentials(HttpExchange exchange, Map<String, String> form) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
					StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			return (colon > 0) ? new String[] { urlDecode(decoded.substring(0, colon)),
					urlDecode(decoded.substring(colon + 1)) } : null;
		}
		String clientId = form.get("client_id");
		String clientSecret = form.get("client_secret");
		return (clientId != null && clientSecret != null) ? new String[] { clientId, clientSecret } : null;
	}

	private @Nullable Identity authenticate(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return this.workspace.authenticate(authorization.substring(7).trim());
	}

	private Reply api(HttpExchange exchange, String path, Identity caller) throws IOException {
		if (!caller.workspaceAccess()) {
			return error(403, "PERMISSION_DENIED", "API is disabled for users without workspace-access entitlement");
		}
		String method = exchange.getRequestMethod();
		if (method.equals("POST") && path.equals(Stats.POSTGRES_CREDENTIALS_PATH)) {
			return credentialReply(caller, () -> autoscalingCredential(readJson(exchange), caller));
		}
		if (method.equals("POST") && path.equals(Stats.DATABASE_CREDENTIALS_PATH)) {
			return credentialReply(caller, () -> provisionedCredential(readJson(exchange), caller));
		}
		if (method.equals("GET") && path.equals("/api/2.0/preview/scim/v2/Me")) {
			return me(caller);
		}
		Matcher branches = BRANCHES_PATH.matcher(path);
		if (method.equals("POST") && branches.matches()) {
			return createBranch(branches.group(1), query(exchange), readJson(exchange));
		}
		Matcher newEndpoint = ENDPOINTS_PATH.matcher(path);
		if (method.equals("POST") && newEndpoint.matches()) {
			return createEndpoint(newEndpoint.group(1), query(exchange), readJson(exchange));
		}
		Matcher branch = BRANCH_PATH.matcher(path);
		if (method.equals("DELETE") && branch.matches()) {
			return deleteBranch(branch.group(1));
		}
		Matcher endpointToDelete = ENDPOINT_PATH.matcher(path);
		if (method.equals("DELETE") && endpointToDelete.matches() && endpointToDelete.group(1).contains("/endpoints/")) {
			return deleteEndpoint(endpointToDelete.group(1));
		}
		Matcher operation = OPERATION_PATH.matcher(path);
		if (method.equals("GET") && operation.matches()) {
			ObjectNode done = this.operations.get(operation.group(1));
			return (done != null) ? new Reply(200, done, null)
					: notFound("Operation '" + operation.group(1) + "' does not exist.");
		}
		if (method.equals("GET") && path.startsWith("/api/2.0/postgres/projects/")) {
			return lookupReply(() -> autoscalingLookup(path, exchange));
		}
		Matcher instance = INSTANCE_PATH.matcher(path);
		if (method.equals("GET") && instance.matches()) {
			return lookupReply(() -> instance(instance.group(1)));
		}
		return error(404, "ENDPOINT_NOT_FOUND", "No API found for '" + method + " " + path + "'");
	}

	private Reply credentialReply(Identity caller, IoSupplier<Reply> answer) throws IOException {
		this.stats.recordCredentialRequest(caller.name());
		sleep(this.faults.credentialLatency());
		Duration throttled = this.faults.takeCredentialRate();
		if (throttled != null) {
			Reply reply = error(429, "REQUEST_LIMIT_EXCEEDED", "Too many credential requests: please retry later.");
			return new Reply(reply.status(), reply.body(), Long.toString(throttled.toSeconds()));
		}
		Faults.PlannedFailures failure = this.faults.takeCredentialFailure();
		if (failure != null) {
			return plannedFailureReply(failure);
		}
		return answer.get();
	}

	private Reply lookupReply(IoSupplier<Reply> answer) throws IOException {
		Faults.PlannedFailures failure = this.faults.takeLookupFailure();
		if (failure != null) {
			return plannedFailureReply(failure);
		}
		return answer.get();
	}

	private Reply plannedFailureReply(Faults.PlannedFailures failure) {
		String code = (failure.status() == 429) ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE";
		Reply reply = error(failure.status(), code, "Injected failure: please retry later.");
		return (failure.retryAfter() != null)
				? new Reply(reply.status(), reply.body(), Long.toString(failure.retryAfter().toSeconds())) : reply;
	}

	private Reply autoscalingCredential(JsonNode request, Identity caller) {
		String name = text(request, "endpoint");
		if (name == null) {
			throw new BadRequest("Field 'endpoint' is required.");
		}
		if (this.workspace.endpoint(name) == null) {
			return notFound("Endpoint '" + name + "' does not exist.");
		}
		Duration lifetime = requestedLifetime(request);
		DatabaseToken token = issue(caller, name, lifetime);
		ObjectNode body = JSON.createObjectNode()
			.put("token", token.token())
			.put("expire_time", token.expiresAt().toString());
		return new Reply(200, body, null);
	}

	private Reply provisionedCredential(JsonNode request, Identity caller) {
		JsonNode names = request.get("instance_names");
		if (names == null || !names.isArray() || names.isEmpty()) {
			throw new BadRequest("Field 'instance_names' must name at least one instance.");
		}
		StringBuilder audience = new StringBuilder();
		for (JsonNode name : names) {
			if (this.workspace.instance(name.asText()) == null) {
				return notFound("Database instance '" + name.asText() + "' does not exist.");
			}
			audience.append((audience.length() > 0) ? "," : "").append(name.asText());
		}
		DatabaseToken token = issue(caller, audience.toString(), this.workspace.tokenLifetime());
		ObjectNode body = JSON.createObjectNode()
			.put("token", token.token())
			.put("expiration_time", token.expiresAt().toString());
		return new Reply(200, body, null);
	}

	private DatabaseToken issue(Identity caller, String audience, Duration lifetime) {
		DatabaseToken token = this.workspace.databaseTokens().issue(caller, audience, lifetime);
		this.stats.recordTokenIssued();
		return token;
	}

	/**
	 * The lifetime the caller asked for through {@code ttl} or {@code expire_time}, validated like the
	 * real API (300 to 3600 seconds) and capped by the emulator's configured token lifetime.
	 */
	private Duration requestedLifetime(JsonNode request) {
		Duration requested = null;
		String ttl = text(request, "ttl");
		String expireTime = text(request, "expire_time");
		if (ttl != null && expireTime != null) {
			throw new BadRequest("Only one of 'ttl' and 'expire_time' may be set.");
		}
		if (ttl != null) {
			Matcher matcher = TTL.matcher(ttl);
			if (!matcher.matches()) {
				throw new BadRequest("Invalid duration for 'ttl': " + ttl);
			}
			requested = Duration.ofSeconds(Long.parseLong(matcher.group(1)));
		}
		if (expireTime != null) {
			try {
				requested = Duration.between(this.workspace.clock().instant(), Instant.parse(expireTime));
			}
			catch (DateTimeParseException ex) {
				throw new BadRequest("Invalid timestamp for 'expire_time': " + expireTime);
			}
		}
		if (requested == null) {
			return this.workspace.tokenLifetime();
		}
		if (requested.toSeconds() < 300 || requested.toSeconds() > 3600) {
			throw new BadRequest("The credential lifetime must be between 300 and 3600 seconds, got "
					+ requested.toSeconds() + " seconds.");
		}
		return (requested.compareTo(this.workspace.tokenLifetime()) < 0) ? requested : this.workspace.tokenLifetime();
	}

	private Reply autoscalingLookup(String path, HttpExchange exchange) {
		Matcher endpoints = ENDPOINTS_PATH.matcher(path);
		if (endpoints.matches()) {
			return listEndpoints(endpoints.group(1), query(exchange));
		}
		Matcher branches = BRANCHES_PATH.matcher(path);
		if (branches.matches()) {
			return listBranches(branches.group(1), query(exchange));
		}
		Matcher branch = BRANCH_PATH.matcher(path);
		if (branch.matches()) {
			return branch(branch.group(1));
		}
		Matcher endpoint = ENDPOINT_PATH.matcher(path);
		return endpoint.matches() ? endpoint(endpoint.group(1))
				: error(404, "ENDPOINT_NOT_FOUND", "No API found for 'GET " + path + "'");
	}

	// Creates a branch on a copy of its source's data, taken now: the operation is done when
	// answered (the copy takes about a second), and kept for the SDK's wait, which polls it before
	// reading the answer.
	private Reply createBranch(String project, Map<String, String> query, JsonNode body) {
		String branchId = query.get("branch_id");
		if (branchId == null || !BRANCH_ID.matcher(branchId).matches()) {
			return error(400, "INVALID_PARAMETER_VALUE", "Invalid branch_id: " + branchId);
		}
		if (this.workspace.branches(project).isEmpty()) {
			return notFound("Project '" + project + "' does not exist.");
		}
		String name = project + "/branches/" + branchId;
		JsonNode spec = body.path("spec");
		String source = text(spec, "source_branch");
		if (source == null) {
			source = this.workspace.branches(project).get(0);
		}
		if (!this.workspace.hasBranch(source)) {
			return notFound("Branch '" + source + "' does not exist.");
		}
		if (text(spec, "source_branch_lsn") != null || text(spec, "source_branch_time") != null) {
			return error(400, "INVALID_PARAMETER_VALUE",
					"lakebase-local branches only from the source's present: 'source_branch_lsn' and 'source_branch_time' are not supported.");
		}
		if (!this.computes.copiesData()) {
			return error(400, "INVALID_PARAMETER_VALUE",
					"lakebase-local makes branches only with its embedded PostgreSQL server, not in a container.");
		}
		Instant expireTime = branchExpireTime(spec);
		Workspace.CreatedBranch created = this.workspace.createBranch(name, source, expireTime,
				"true".equals(query.get("replace_existing")));
		if (created == null) {
			return error(409, "ALREADY_EXISTS", "Branch '" + name + "' already exists.");
		}
		try {
			this.computes.startBranch(created);
		}
		catch (BranchComputes.NoServerException ex) {
			// The source is a created branch still being copied: the SDK retries a 503.
			this.workspace.deleteBranch(name);
			return this.workspace.hasBranch(source)
					? unavailable("Branch '" + source + "' is still being created; retry shortly.")
					: notFound("Branch '" + source + "' does not exist.");
		}
		catch (IOException ex) {
			this.workspace.deleteBranch(name);
			return error(500, "INTERNAL_ERROR", "Could not copy branch '" + source + "': " + ex.getMessage());
		}
		// From the record: with a short TTL the branch may have expired already during the copy.
		return new Reply(200, operation(name, branchJson(name, created)), null);
	}

	private @Nullable Instant branchExpireTime(JsonNode spec) {
		String ttl = text(spec, "ttl");
		String expireTime = text(spec, "expire_time");
		boolean noExpiry = spec.path("no_expiry").asBoolean(false);
		if ((ttl != null ? 1 : 0) + (expireTime != null ? 1 : 0) + (spec.has("no_expiry") ? 1 : 0) > 1) {
			throw new BadRequest("Only one of 'ttl', 'expire_time' and 'no_expiry' may be set.");
		}
		if (spec.has("no_expiry") && !noExpiry) {
			throw new BadRequest("'no_expiry' may only be true; set 'ttl' or 'expire_time' instead.");
		}
		if (ttl != null) {
			Matcher matcher = TTL.matcher(ttl);
			if (!matcher.matches()) {
				throw new BadRequest("Invalid duration for 'ttl': " + ttl);
			}
			return this.workspace.clock().instant().plusSeconds(Long.parseLong(matcher.group(1)));
		}
		if (expireTime != null) {
			try {
				return Instant.parse(expireTime);
			}
			catch (DateTimeParseException ex) {
				throw new BadRequest("Invalid timestamp for 'expire_time': " + expireTime);
			}
		}
		return null;
	}

	private Reply deleteBranch(String name) {
		if (this.workspace.createdBranch(name) == null) {
			return this.workspace.hasBranch(name)
					? error(400, "INVALID_PARAMETER_VALUE",
							"Branch '" + name + "' was declared by the builder; lakebase-local deletes only created branches.")
					: missingBranch(name);
		}
		this.workspace.deleteBranch(name);
		return new Reply(200, operation(name, JSON.createObjectNode()), null);
	}

	// Creates an endpoint with a host of its own on its branch's server; done when answered.
	private Reply createEndpoint(String branch, Map<String, String> query, JsonNode body) {
		String endpointId = query.get("endpoint_id");
		if (endpointId == null || !BRANCH_ID.matcher(endpointId).matches()) {
			return error(400, "INVALID_PARAMETER_VALUE", "Invalid endpoint_id: " + endpointId);
		}
		if (!this.workspace.hasBranch(branch)) {
			return missingBranch(branch);
		}
		String type = body.path("spec").path("endpoint_type").asText("");
		if (!type.equals("ENDPOINT_TYPE_READ_WRITE") && !type.equals("ENDPOINT_TYPE_READ_ONLY")) {
			return error(400, "INVALID_PARAMETER_VALUE",
					"'spec.endpoint_type' must be ENDPOINT_TYPE_READ_WRITE or ENDPOINT_TYPE_READ_ONLY, got '" + type + "'.");
		}
		boolean readOnly = type.equals("ENDPOINT_TYPE_READ_ONLY");
		if (!readOnly && this.workspace.endpoints(branch).stream().anyMatch((existing) -> !existing.readOnly())) {
			// As on Lakebase: one read-write compute per branch.
			return error(409, "ALREADY_EXISTS", "Branch '" + branch + "' already has a read-write endpoint.");
		}
		Endpoint endpoint = new Endpoint(branch + "/endpoints/" + endpointId, readOnly,
				body.path("spec").path("disabled").asBoolean(false));
		if (!this.workspace.addEndpoint(endpoint)) {
			return error(409, "ALREADY_EXISTS", "Endpoint '" + endpoint.name() + "' already exists.");
		}
		try {
			this.computes.startEndpoint(endpoint);
		}
		catch (BranchComputes.NoServerException ex) {
			// Never a host on another branch's server: the branch's copy is not finished (the SDK
			// retries a 503), or the branch went meanwhile.
			this.workspace.removeEndpoint(endpoint);
			return this.workspace.hasBranch(branch)
					? unavailable("Branch '" + branch + "' is still being created; retry shortly.")
					: missingBranch(branch);
		}
		catch (IOException ex) {
			this.workspace.removeEndpoint(endpoint);
			return error(500, "INTERNAL_ERROR", "Could not serve endpoint '" + endpoint.name() + "': " + ex.getMessage());
		}
		return new Reply(200, operation(endpoint.name(), endpointJson(endpoint)), null);
	}

	private Reply deleteEndpoint(String name) {
		if (this.workspace.endpoint(name) == null) {
			return notFound("Endpoint '" + name + "' does not exist.");
		}
		if (this.computes.host(name).isEmpty()) {
			return error(400, "INVALID_PARAMETER_VALUE",
					"Endpoint '" + name + "' was declared by the builder; lakebase-local deletes only created endpoints.");
		}
		this.workspace.removeEndpoint(name);
		this.computes.stopEndpoint(name);
		return new Reply(200, operation(name, JSON.createObjectNode()), null);
	}

	private ObjectNode operation(String resource, JsonNode response) {
		String name = resource + "/operations/" + UUID.randomUUID();
		ObjectNode operation = JSON.createObjectNode().put("name", name).put("done", true);
		operation.putObject("metadata");
		operation.set("response", response);
		this.operations.put(name, operation);
		return operation;
	}

	private Reply listEndpoints(String branch, Map<String, String> query) {
		if (!this.workspace.hasBranch(branch)) {
			return missingBranch(branch);
		}
		return page("endpoints", branch, this.workspace.endpoints(branch), this::endpointJson, query);
	}

	private Reply listBranches(String project, Map<String, String> query) {
		List<String> branches = this.workspace.branches(project);
		if (branches.isEmpty()) {
			return notFound("Project '" + project + "' does not exist.");
		}
		return page("branches", project, branches, this::branchJson, query);
	}

	private Reply branch(String name) {
		return this.workspace.hasBranch(name) ? new Reply(200, branchJson(name), null) : missingBranch(name);
	}

	// Names the project when it is the project that does not exist.
	private Reply missingBranch(String name) {
		String project = Workspace.project(name);
		return this.workspace.branches(project).isEmpty() ? notFound("Project '" + project + "' does not exist.")
				: notFound("Branch '" + name + "' does not exist.");
	}

	/**
	 * Answers one page of a list: {@code page_size} items (all of them without one) from where the
	 * opaque {@code page_token} points, with a {@code next_page_token} only when more are left.
	 */
	private <T> Reply page(String field, String parent, List<T> items, Function<T, JsonNode> json,
			Map<String, String> query) {
		int pageSize = pageSize(query.get("page_size"));
		int start = pageStart(query.get("page_token"), parent, items.size());
		int end = (pageSize > 0) ? Math.min(items.size(), start + pageSize) : items.size();
		ObjectNode body = JSON.createObjectNode();
		// An empty list is left out, as proto3 JSON leaves out empty repeated fields: clients must cope.
		if (end > start) {
			ArrayNode page = body.putArray(field);
			items.subList(start, end).forEach((item) -> page.add(json.apply(item)));
		}
		if (end < items.size()) {
			body.put("next_page_token", pageToken(parent, end));
		}
		return new Reply(200, body, null);
	}

	private static int pageSize(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return 0;
		}
		try {
			int pageSize = Integer.parseInt(value);
			if (pageSize >= 0) {
				return pageSize;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new BadRequest("Invalid value for 'page_size': " + value);
	}

	// A token names the list it pages and where the next page starts, so that it serves no other list.
	private static String pageToken(String parent, int start) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((parent + "#" + start).getBytes(StandardCharsets.UTF_8));
	}

	private static int pageStart(@Nullable String token, String parent, int size) {
		if (token == null || token.isEmpty()) {
			return 0;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
			if (decoded.startsWith(parent + "#")) {
				int start = Integer.parseInt(decoded.substring(parent.length() + 1));
				if (start >= 0 && start <= size) {
					return start;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// Not base64 or not a number: reported below.
		}
		throw new BadRequest("Invalid page token.");
	}

	private ObjectNode branchJson(String name) {
		return branchJson(name, this.workspace.createdBranch(name));
	}

	private ObjectNode branchJson(String name, Workspace.@Nullable CreatedBranch created) {
		ObjectNode body = JSON.createObjectNode()
			.put("name", name)
			.put("parent", Workspace.project(name))
			.put("branch_id", name.substring(name.lastIndexOf('/') + 1))
			.put("uid", "br-" + Integer.toHexString(name.hashCode()));
		ObjectNode status = body.putObject("status")
			.put("branch_id", name.substring(name.lastIndexOf('/') + 1))
			.put("current_state", "READY")
			.put("default", this.workspace.isDefaultBranch(name))
			.put("is_protected", false);
		if (created != null) {
			body.put("uid", created.uid()).put("create_time", created.createTime().toString());
			status.put("source_branch", created.source());
			ObjectNode spec = body.putObject("spec").put("source_branch", created.source());
			if (created.expireTime() != null) {
				status.put("expire_time", created.expireTime().toString());
				spec.put("expire_time", created.expireTime().toString());
			}
			else {
				spec.put("no_expiry", true);
			}
		}
		return body;
	}

	private Reply endpoint(String name) {
		Endpoint endpoint = this.workspace.endpoint(name);
		if (endpoint == null) {
			return notFound("Endpoint '" + name + "' does not exist.");
		}
		return new Reply(200, endpointJson(endpoint), null);
	}

	private ObjectNode endpointJson(Endpoint endpoint) {
		ObjectNode body = JSON.createObjectNode()
			.put("name", endpoint.name())
			.put("parent", endpoint.parent())
			.put("endpoint_id", endpoint.id())
			.put("uid", "ep-" + Integer.toHexString(endpoint.name().hashCode()));
		ObjectNode status = body.putObject("status");
		status.put("current_state", this.computeSuspended.getAsBoolean() ? "IDLE" : "ACTIVE")
			.put("endpoint_type", endpoint.readOnly() ? "ENDPOINT_TYPE_READ_ONLY" : "ENDPOINT_TYPE_READ_WRITE")
			.put("disabled", endpoint.disabled())
			.put("autoscaling_limit_min_cu", 0.5)
			.put("autoscaling_limit_max_cu", 2.0);
		// Like Lakebase, the pooled (PgBouncer) hosts are listed too.
		String host = this.computes.host(endpoint.name()).orElseGet(() -> this.hosts.host(endpoint.name()));
		String pooledHost = this.hosts.pooledHost(endpoint.name()).orElse(UNRESOLVABLE_POOLED_HOST);
		ObjectNode hosts = status.putObject("hosts").put("host", host);
		if (endpoint.readOnly()) {
			hosts.put("read_only_host", host).put("read_only_pooled_host", pooledHost);
		}
		else {
			hosts.put("read_write_pooled_host", pooledHost);
			this.hosts.readOnlyHost(endpoint.name())
				.ifPresent((readOnlyHost) -> hosts.put("read_only_host", readOnlyHost)
					.put("read_only_pooled_host",
							this.hosts.readOnlyPooledHost(endpoint.name()).orElse(UNRESOLVABLE_POOLED_HOST)));
		}
		return body;
	}

	private Reply instance(String name) {
		Instance instance = this.workspace.instance(name);
		if (instance == null) {
			return notFound("Database instance '" + name + "' does not exist.");
		}
		ObjectNode body = JSON.createObjectNode()
			.put("name", instance.name())
			.put("uid", "inst-" + Integer.toHexString(instance.name().hashCode()))
			.put("state", instance.stopped() ? "STOPPED" : "AVAILABLE")
			.put("stopped", instance.stopped())
			.put("effective_stopped", instance.stopped())
			.put("pg_version", "PG_VERSION_17")
			.put("capacity", "CU_1")
			.put("read_write_dns", this.hosts.host(instance.name()))
			.put("read_only_dns", this.hosts.readOnlyHost(instance.name()).orElseThrow())
			// A readable secondary is what gives an instance its read_only_dns.
			.put("effective_enable_readable_secondaries", true)
			.put("effective_node_count", 2);
		return new Reply(200, body, null);
	}

	private Reply me(Identity caller) {
		ObjectNode body = JSON.createObjectNode()
			.put("id", Integer.toUnsignedString(caller.name().hashCode()))
			.put("userName", caller.name())
			.put("displayName", caller.isServicePrincipal() ? "Service principal " + caller.name() : caller.name())
			.put("active", true);
		body.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User");
		if (!caller.isServicePrincipal()) {
			ArrayNode emails = body.putArray("emails");
			emails.addObject().put("value", caller.name()).put("primary", true);
		}
		return new Reply(200, body, null);
	}

	private static Reply notFound(String message) {
		return error(404, "RESOURCE_DOES_NOT_EXIST", message);
	}

	// The SDK retries a 503 even for a POST, after Retry-After seconds.
	private static Reply unavailable(String message) {
		return new Reply(503, error(503, "TEMPORARILY_UNAVAILABLE", message).body(), "1");
	}

	private static Reply error(int status, String code, String message) {
		return new Reply(status, JSON.createObjectNode().put("error_code", code).put("message", message), null);
	}

	private static Reply oauthError(int status, String error, String description) {
		return new Reply(status, JSON.createObjectNode().put("error", error).put("error_description", description),
				null);
	}

	private static void send(HttpExchange exchange, Reply reply) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(reply.body());
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		if (reply.retryAfter() != null) {
			exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
		}
		exchange.sendResponseHeaders(reply.status(), bytes.length);
		try (OutputStream body = exchange.getResponseBody()) {
			body.write(bytes);
		}
	}

	private static String readBody(HttpExchange exchange) throws IOException {
		try (InputStream body = exchange.getRequestBody()) {
			return new String(body.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static JsonNode readJson(HttpExchange exchange) throws IOException {
		String body = readBody(exchange);
		try {
			JsonNode node = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
			if (!node.isObject()) {
				throw new BadRequest("The request body must be a JSON object.");
			}
			return node;
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new BadRequest("Malformed JSON request body.");
		}
	}

	private static Map<String, String> query(HttpExchange exchange) {
		String query = exchange.getRequestURI().getRawQuery();
		return (query != null) ? parseForm(query) : Map.of();
	}

	private static Map<String, String> parseForm(String body) {
		Map<String, String> form = new HashMap<>();
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				form.put(urlDecode(pair.substring(0, equals)), urlDecode(pair.substring(equals + 1)));
			}
		}
		return form;
	}

	private static String urlDecode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && !value.isNull()) ? value.asText() : null;
	}

	private static void sleep(Duration duration) {
		if (duration.isZero()) {
			return;
		}
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Reply(int status, JsonNode body, @Nullable String retryAfter) {
	}

	@FunctionalInterface
	private interface IoSupplier<T> {

		T get() throws IOException;

	}

	private static final class BadRequest extends RuntimeException {

		BadRequest(String message) {
			super(message);
		}

	}

}
