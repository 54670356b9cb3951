package io.lakebase.spring.autoconfigure.credential;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.database.DatabaseCredential;
import com.databricks.sdk.service.database.GenerateDatabaseCredentialRequest;

/**
 * Credentials for a Lakebase Provisioned instance ({@code POST /api/2.0/database/credentials}).
 * The API takes no lifetime: tokens live one hour.
 */
public final class ProvisionedCredentialSource implements LakebaseCredentialSource {

	private final WorkspaceClient workspaceClient;

	private final String instance;

	private final Clock clock;

	/**
	 * Creates a source for an instance.
	 * @param workspaceClient the client to call the API with
	 * @param instance the instance name
	 * @param clock the clock that stamps when a credential was obtained
	 */
	public ProvisionedCredentialSource(WorkspaceClient workspaceClient, String instance, Clock clock) {
		this.workspaceClient = workspaceClient;
		this.instance = instance;
		this.clock = clock;
	}

	@Override
	public LakebaseCredential fetch() {
		Instant requestedAt = this.clock.instant();
		GenerateDatabaseCredentialRequest request = new GenerateDatabaseCredentialRequest()
			.setInstanceNames(List.of(this.instance))
			.setRequestId(UUID.randomUUID().toString());
		DatabaseCredential credential = this.workspaceClient.database().generateDatabaseCredential(request);
		Instant expiresAt = OffsetDateTime.parse(credential.getExpirationTime()).toInstant();
		return new LakebaseCredential(credential.getToken(), expiresAt, requestedAt);
	}

	@Override
	public String toString() {
		return "ProvisionedCredentialSource[instance=" + this.instance + "]";
	}

}
