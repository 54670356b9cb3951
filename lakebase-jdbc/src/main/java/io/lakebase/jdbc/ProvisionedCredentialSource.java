package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.database.DatabaseCredential;
import com.databricks.sdk.service.database.GenerateDatabaseCredentialRequest;
import org.jspecify.annotations.Nullable;

/**
 * Credentials for a Lakebase Provisioned instance ({@code POST /api/2.0/database/credentials}).
 * The API takes no lifetime: tokens live one hour.
 */
final class ProvisionedCredentialSource implements LakebaseCredentialSource {

	private final Supplier<WorkspaceClient> workspaceClient;

	private final String instance;

	ProvisionedCredentialSource(Supplier<WorkspaceClient> workspaceClient, String instance) {
		this.workspaceClient = workspaceClient;
		this.instance = instance;
	}

	@Override
	public LakebaseCredential fetch() {
		GenerateDatabaseCredentialRequest request = new GenerateDatabaseCredentialRequest()
			.setInstanceNames(List.of(this.instance))
			.setRequestId(UUID.randomUUID().toString());
		WorkspaceClient client = this.workspaceClient.get();
		long started = System.nanoTime();
		DatabaseCredential credential = client.database().generateDatabaseCredential(request);
		String expirationTime = credential.getExpirationTime();
		if (credential.getToken() == null || expirationTime == null) {
			throw new LakebaseCredentialException("The credential API answered without "
					+ ((expirationTime == null) ? "an expiration_time" : "a token"), null);
		}
		try {
			return LakebaseCredential.issued(credential.getToken(), OffsetDateTime.parse(expirationTime).toInstant(),
					SecretRedactingHttpClient.serverDateSince(client, started));
		}
		catch (DateTimeParseException ex) {
			throw new LakebaseCredentialException(
					"The credential API answered with an expiration_time that is not a timestamp: " + expirationTime,
					ex);
		}
	}

	@Override
	public @Nullable Duration retryAfter() {
		return (this.workspaceClient.get().config().getHttpClient() instanceof SecretRedactingHttpClient client)
				? client.retryAfterLeft() : null;
	}

	@Override
	public String toString() {
		return "ProvisionedCredentialSource[instance=" + this.instance + "]";
	}

}
