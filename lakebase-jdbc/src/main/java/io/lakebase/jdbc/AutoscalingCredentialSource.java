package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.service.postgres.DatabaseCredential;
import com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest;
import com.google.protobuf.Timestamp;
import org.jspecify.annotations.Nullable;

/**
 * Credentials for a Lakebase Autoscaling endpoint ({@code POST /api/2.0/postgres/credentials}).
 */
final class AutoscalingCredentialSource implements LakebaseCredentialSource {

	static final Duration MIN_TTL = Duration.ofMinutes(5);

	private final Supplier<WorkspaceClient> workspaceClient;

	// The endpoint's name, or the branch's for a branch target.
	private final String targetName;

	private final Duration ttl;

	// For a branch target: the branch's endpoint credentials are requested for.
	private final @Nullable BranchEndpoints branch;

	AutoscalingCredentialSource(Supplier<WorkspaceClient> workspaceClient, String endpoint, Duration ttl) {
		this(workspaceClient, endpoint, null, ttl);
	}

	AutoscalingCredentialSource(Supplier<WorkspaceClient> workspaceClient, String targetName,
			@Nullable BranchEndpoints branch, Duration ttl) {
		if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAXIMUM_LIFETIME) > 0) {
			throw new LakebaseConfigurationException("credential.ttl", ttl.toString(),
					"The credential lifetime " + ttl + " is outside what Lakebase issues (5 minutes to 1 hour)",
					"Use a lifetime between 5m and 1h, or leave it unset to get 1h.");
		}
		this.workspaceClient = workspaceClient;
		this.targetName = targetName;
		this.branch = branch;
		this.ttl = ttl;
	}

	@Override
	public LakebaseCredential fetch() {
		GenerateDatabaseCredentialRequest request = new GenerateDatabaseCredentialRequest()
			.setEndpoint((this.branch != null) ? this.branch.credentialEndpoint() : this.targetName)
			.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(this.ttl.toSeconds()).build());
		WorkspaceClient client = this.workspaceClient.get();
		long started = System.nanoTime();
		DatabaseCredential credential;
		try {
			credential = client.postgres().generateDatabaseCredential(request);
		}
		catch (NotFound ex) {
			if (this.branch != null) {
				this.branch.forgetCredentialEndpoint();
			}
			throw ex;
		}
		Timestamp expireTime = credential.getExpireTime();
		if (credential.getToken() == null || expireTime == null) {
			throw new LakebaseCredentialException(
					"The credential API answered without " + ((expireTime == null) ? "an expire_time" : "a token"),
					null);
		}
		return LakebaseCredential.issued(credential.getToken(),
				Instant.ofEpochSecond(expireTime.getSeconds(), expireTime.getNanos()),
				SecretRedactingHttpClient.serverDateSince(client, started));
	}

	@Override
	public Duration maximumLifetime() {
		return this.ttl;
	}

	@Override
	public @Nullable Duration retryAfter() {
		return (this.workspaceClient.get().config().getHttpClient() instanceof SecretRedactingHttpClient client)
				? client.retryAfterLeft() : null;
	}

	@Override
	public String toString() {
		return "AutoscalingCredentialSource[" + this.targetName + ", ttl=" + this.ttl + "]";
	}

}
