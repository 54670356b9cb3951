package io.lakebase.spring.autoconfigure.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;

/**
 * Credentials for a Lakebase Autoscaling endpoint ({@code POST /api/2.0/postgres/credentials}).
 */
public final class AutoscalingCredentialSource implements LakebaseCredentialSource {

	private final WorkspaceClient workspaceClient;

	private final String endpoint;

	private final Duration ttl;

	private final Clock clock;

	/**
	 * Creates a source for an endpoint.
	 * @param workspaceClient the client to call the API with
	 * @param endpoint the endpoint name, {@code projects/<p>/branches/<b>/endpoints/<e>}
	 * @param ttl the lifetime to request (the API accepts 5 minutes to 1 hour)
	 * @param clock the clock that stamps when a credential was obtained
	 */
	public AutoscalingCredentialSource(WorkspaceClient workspaceClient, String endpoint, Duration ttl, Clock clock) {
		this.workspaceClient = workspaceClient;
		this.endpoint = endpoint;
		this.ttl = ttl;
		this.clock = clock;
	}

	@Override
	public LakebaseCredential fetch() {
		Instant requestedAt = this.clock.instant();
		GenerateDatabaseCredentialRequest request = new GenerateDatabaseCredentialRequest().setEndpoint(this.endpoint)
			.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(this.ttl.toSeconds()).build());
		DatabaseCredential credential = this.workspaceClient.postgres().generateDatabaseCredential(request);
		Instant expiresAt = Instant.ofEpochSecond(credential.getExpireTime().getSeconds(),
				credential.getExpireTime().getNanos());
		return new LakebaseCredential(credential.getToken(), expiresAt, requestedAt);
	}

	@Override
	public String toString() {
		return "AutoscalingCredentialSource[endpoint=" + this.endpoint + ", ttl=" + this.ttl + "]";
	}

}
