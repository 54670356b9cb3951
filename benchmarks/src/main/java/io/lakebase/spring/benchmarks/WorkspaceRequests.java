package io.lakebase.spring.benchmarks;

import java.util.List;

import io.lakebase.local.Stats;

/**
 * Workspace API requests by purpose, as the local Lakebase counts them.
 *
 * @param client the requests any Databricks SDK client makes: host metadata, OAuth discovery and
 * token
 * @param lookup endpoint, instance and current-user lookups
 * @param credential database credential requests
 */
record WorkspaceRequests(long client, long lookup, long credential) {

	private static final List<String> CLIENT_PATHS = List.of("/.well-known/databricks-config",
			"/oidc/.well-known/oauth-authorization-server", "/oidc/v1/token");

	static WorkspaceRequests of(Stats stats, String endpoint) {
		long client = CLIENT_PATHS.stream().mapToLong(stats::requests).sum();
		long lookup = stats.requests("/api/2.0/postgres/" + endpoint) + stats.requests("/api/2.0/preview/scim/v2/Me");
		return new WorkspaceRequests(client, lookup, stats.credentialRequests());
	}

	long total() {
		return this.client + this.lookup + this.credential;
	}

	WorkspaceRequests minus(WorkspaceRequests before) {
		return new WorkspaceRequests(this.client - before.client, this.lookup - before.lookup,
				this.credential - before.credential);
	}

}
