package io.lakebase.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * The state of the emulated workspace shared by the API and the login front: identities, their
 * OAuth access tokens, branches, endpoints, instances and database credentials.
 */
final class Workspace {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final SecureRandom RANDOM = new SecureRandom();

	// Insertion order matters: the first service principal is the default identity.
	private final Map<String, Identity> identities = Collections.synchronizedMap(new LinkedHashMap<>());

	// In builder order, then in creation order; a project exists as long as one of its branches does.
	private final List<String> branches;

	// The branches of the builder: never removed, and no created branch takes one of their names.
	private final Set<String> declaredBranches;

	// Branches created through the API: their metadata and expiry (their servers and hosts are
	// BranchComputes', told through branchRemoved).
	private final Map<String, CreatedBranch> createdBranches = new ConcurrentHashMap<>();

	// Told of every created branch that goes (deleted, replaced or expired) with its endpoints,
	// outside this workspace's lock, so that its server and hosts are freed.
	private volatile BiConsumer<CreatedBranch, List<Endpoint>> branchRemoved = (branch, endpoints) -> {
	};

	private final Map<String, Endpoint> endpoints;

	private final Map<String, Instance> instances;

	private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();

	private final DatabaseTokens databaseTokens;

	private final Duration tokenLifetime;

	private final Duration accessTokenLifetime;

	private final Clock clock;

	private final String issuer;

	private volatile @Nullable String federationIssuer;

	private volatile @Nullable String federationAudience;

	Workspace(List<Identity> identities, List<String> branches, List<Endpoint> endpoints, List<Instance> instances,
			Duration tokenLifetime, Duration accessTokenLifetime, String issuer, Clock clock) {
		identities.forEach((identity) -> this.identities.put(identity.name(), identity));
		this.branches = new java.util.concurrent.CopyOnWriteArrayList<>(branches);
		this.declaredBranches = Set.copyOf(branches);
		this.endpoints = Collections.synchronizedMap(toMap(endpoints, Endpoint::name));
		this.instances = toMap(instances, Instance::name);
		this.tokenLifetime = tokenLifetime;
		this.accessTokenLifetime = accessTokenLifetime;
		this.clock = clock;
		this.issuer = issuer;
		this.databaseTokens = new DatabaseTokens(issuer, clock);
	}

	@Nullable Identity identity(String name) {
		return this.identities.get(name);
	}

	List<Identity> identities() {
		synchronized (this.identities) {
			return List.copyOf(this.identities.values());
		}
	}

	void replace(Identity identity) {
		this.identities.put(identity.name(), identity);
	}

	List<String> branches() {
		removeExpiredBranches();
		return List.copyOf(this.branches);
	}

	/**
	 * Creates a branch through the API: its expiry is enforced at every lookup.
	 * @param name the branch name
	 * @param source the branch it is made from
	 * @param expireTime when it expires, or {@code null} for never
	 * @param replaceExisting whether an existing branch of that name is replaced
	 * @return the branch, or {@code null} when it exists and may not be replaced
	 */
	@Nullable CreatedBranch createBranch(String name, String source, @Nullable Instant expireTime,
			boolean replaceExisting) {
		removeExpiredBranches();
		CreatedBranch replaced = null;
		List<Endpoint> replacedEndpoints = List.of();
		CreatedBranch branch;
		synchronized (this) {
			if (this.branches.contains(name)) {
				if (!replaceExisting || !this.createdBranches.containsKey(name)) {
					return null;
				}
				// Replaced whole: a fresh copy of the source, without the old branch's endpoints.
				this.branches.remove(name);
				replaced = this.createdBranches.remove(name);
				replacedEndpoints = removeEndpoints(name);
			}
			branch = new CreatedBranch(name, source, this.clock.instant(), expireTime,
					"br-" + UUID.randomUUID().toString().substring(0, 18));
			this.createdBranches.put(name, branch);
			this.branches.add(name);
		}
		if (replaced != null) {
			this.branchRemoved.accept(replaced, replacedEndpoints);
		}
		return branch;
	}

	void onBranchRemoved(BiConsumer<CreatedBranch, List<Endpoint>> listener) {
		this.branchRemoved = listener;
	}

	/**
	 * Adds an endpoint created through the API.
	 * @param endpoint the endpoint
	 * @return whether it was added, {@code false} when one of that name exists
	 */
	boolean addEndpoint(Endpoint endpoint) {
		return this.endpoints.putIfAbsent(endpoint.name(), endpoint) == null;
	}

	void removeEndpoint(String name) {
		this.endpoints.remove(name);
	}

	// Removes this endpoint only, not one that took its name since.
	void removeEndpoint(Endpoint endpoint) {
		this.endpoints.remove(endpoint.name(), endpoint);
	}

	private List<Endpoint> removeEndpoints(String branch) {
		synchronized (this.endpoints) {
			List<Endpoint> removed = endpoints(branch);
			removed.forEach((endpoint) -> this.endpoints.remove(endpoint.name()));
			return removed;
		}
	}

	@Nullable CreatedBranch createdBranch(String name) {
		removeExpiredBranches();
		return this.createdBranches.get(name);
	}

	/**
	 * Deletes a branch created through the API.
	 * @param name the branch name
	 * @return whether it existed
	 */
	boolean deleteBranch(String name) {
		CreatedBranch removed;
		List<Endpoint> endpoints;
		synchronized (this) {
			removed = this.createdBranches.remove(name);
			if (removed == null) {
				return false;
			}
			this.branches.remove(name);
			endpoints = removeEndpoints(name);
		}
		this.branchRemoved.accept(removed, endpoints);
		return true;
	}

	/**
	 * The emulator's TTL: a branch past its expire_time is gone, as on Lakebase. Run at every
	 * lookup and by a housekeeper, so that an expired branch's server stops even when nobody asks.
	 */
	void removeExpiredBranches() {
		Instant now = this.clock.instant();
		Map<CreatedBranch, List<Endpoint>> removed = new LinkedHashMap<>();
		synchronized (this) {
			for (CreatedBranch branch : List.copyOf(this.createdBranches.values())) {
				if (branch.expireTime() != null && !branch.expireTime().isAfter(now)) {
					this.createdBranches.remove(branch.name());
					this.branches.remove(branch.name());
					removed.put(branch, removeEndpoints(branch.name()));
				}
			}
		}
		removed.forEach(this.branchRemoved);
	}

	/**
	 * Returns the branches of a project, in builder order.
	 * @param project the project name, {@code projects/<p>}
	 * @return the branch names, empty when the project does not exist
	 */
	List<String> branches(String project) {
		return branches().stream().filter((branch) -> project(branch).equals(project)).toList();
	}

	/**
	 * Returns whether a branch was declared in the builder rather than created through the API.
	 * @param name the branch name
	 * @return whether it is one of the builder's branches
	 */
	boolean isDeclaredBranch(String name) {
		return this.declaredBranches.contains(name);
	}

	boolean hasBranch(String name) {
		removeExpiredBranches();
		return this.branches.contains(name);
	}

	/**
	 * Returns whether a branch is its project's default: the project's first branch in builder
	 * order, as a project is created with its default branch.
	 * @param branch the branch name
	 * @return whether it is the default branch
	 */
	boolean isDefaultBranch(String branch) {
		return branches(project(branch)).indexOf(branch) == 0;
	}

	static String project(String branch) {
		return branch.substring(0, branch.lastIndexOf("/branches/"));
	}

	@Nullable Endpoint endpoint(String name) {
		return this.endpoints.get(name);
	}

	List<Endpoint> endpoints() {
		synchronized (this.endpoints) {
			return List.copyOf(this.endpoints.values());
		}
	}

	/**
	 * Returns the endpoints of a branch, in builder order.
	 * @param branch the branch name, {@code projects/<p>/branches/<b>}
	 * @return the endpoints, empty when the branch has none or does not exist
	 */
	List<Endpoint> endpoints(String branch) {
		return endpoints().stream().filter((endpoint) -> endpoint.parent().equals(branch)).toList();
	}

	@Nullable Instance instance(String name) {
		return this.instances.get(name);
	}

	List<Instance> instances() {
		return List.copyOf(this.instances.values());
	}

	DatabaseTokens databaseTokens() {
		return this.databaseTokens;
	}

	Duration tokenLifetime() {
		return this.tokenLifetime;
	}

	Clock clock() {
		return this.clock;
	}

	/**
	 * Finds the service principal a client id and secret belong to.
	 */
	@Nullable Identity servicePrincipal(String clientId, String clientSecret) {
		Identity identity = this.identities.get(clientId);
		return (identity != null && identity.isServicePrincipal() && identity.secret().equals(clientSecret)) ? identity
				: null;
	}

	/**
	 * Finds the identity an external ID token is federated to.
	 */
	@Nullable Identity federated(String idToken, @Nullable String clientId) {
		for (Identity identity : identities()) {
			if (idToken.equals(identity.federatedIdToken())
					&& (clientId == null || clientId.isEmpty() || clientId.equals(identity.name()))) {
				return identity;
			}
		}
		return (this.federationIssuer != null) ? federatedByPolicy(idToken, clientId) : null;
	}

	void trustFederatedIssuer(String issuer, @Nullable String audience) {
		this.federationIssuer = issuer;
		this.federationAudience = audience;
	}

	// An account-wide federation policy: issuer, audience and expiry checked, the subject mapped
	// to the identity of that name.
	private @Nullable Identity federatedByPolicy(String idToken, @Nullable String clientId) {
		String[] parts = idToken.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		JsonNode claims;
		try {
			claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
		}
		catch (IOException | IllegalArgumentException ex) {
			return null;
		}
		JsonNode audience = claims.path("aud");
		boolean audienceMatches = audience.isArray()
				? java.util.stream.StreamSupport.stream(audience.spliterator(), false)
					.anyMatch((value) -> value.asText().equals(this.federationAudience))
				: audience.asText().equals(this.federationAudience);
		boolean live = claims.path("exp").canConvertToLong()
				&& claims.path("exp").asLong() > this.clock.instant().getEpochSecond();
		if (!claims.path("iss").asText().equals(this.federationIssuer) || !audienceMatches || !live) {
			return null;
		}
		Identity identity = this.identities.get(claims.path("sub").asText());
		if (identity == null || (clientId != null && !clientId.isEmpty() && !clientId.equals(identity.name()))) {
			return null;
		}
		return identity;
	}

	AccessToken issueAccessToken(Identity identity) {
		return issueAccessToken(identity, this.accessTokenLifetime);
	}

	/**
	 * Issues an OAuth access token, shaped as the workspace's are: a JWT naming its subject and
	 * expiry (signed with a key nobody checks: the workspace knows its tokens by value).
	 */
	AccessToken issueAccessToken(Identity identity, Duration lifetime) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(lifetime);
		byte[] signature = new byte[32];
		RANDOM.nextBytes(signature);
		String claims = "{\"iss\":\"" + this.issuer + "/oidc\",\"sub\":\"" + identity.name() + "\",\"aud\":\""
				+ "lakebase-local\",\"scope\":\"all-apis\",\"iat\":" + now.getEpochSecond() + ",\"exp\":"
				+ expiresAt.getEpochSecond() + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
		String value = base64Url("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}") + "." + base64Url(claims) + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
		AccessToken token = new AccessToken(value, identity.name(), expiresAt);
		this.accessTokens.values().removeIf((existing) -> existing.expiresAt().isBefore(now));
		this.accessTokens.put(value, token);
		return token;
	}

	/**
	 * Revokes every OAuth access token issued to an identity: API calls with them answer 401.
	 */
	int revokeAccessTokens(String identity) {
		int before = this.accessTokens.size();
		this.accessTokens.values().removeIf((token) -> token.identity().equals(identity));
		return before - this.accessTokens.size();
	}

	private static String base64Url(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Resolves the bearer token of an API request: an OAuth access token or a user's PAT.
	 */
	@Nullable Identity authenticate(String bearer) {
		AccessToken accessToken = this.accessTokens.get(bearer);
		if (accessToken != null) {
			return accessToken.expiresAt().isAfter(this.clock.instant()) ? this.identities.get(accessToken.identity())
					: null;
		}
		for (Identity identity : identities()) {
			if (!identity.isServicePrincipal() && identity.secret().equals(bearer)) {
				return identity;
			}
		}
		return null;
	}

	Duration accessTokenLifetime() {
		return this.accessTokenLifetime;
	}

	private static <T> Map<String, T> toMap(List<T> values, java.util.function.Function<T, String> key) {
		Map<String, T> map = new LinkedHashMap<>();
		values.forEach((value) -> map.put(key.apply(value), value));
		return map;
	}

	/**
	 * A branch created through the API.
	 *
	 * @param name the branch name
	 * @param source the branch it was made from
	 * @param createTime when it was created
	 * @param expireTime when it expires, {@code null} for never
	 * @param uid its unique id
	 */
	record CreatedBranch(String name, String source, Instant createTime, @Nullable Instant expireTime, String uid) {

	}

	record AccessToken(String value, String identity, Instant expiresAt) {

		@Override
		public String toString() {
			return "AccessToken[identity=" + this.identity + ", expiresAt=" + this.expiresAt + "]";
		}

	}

}
