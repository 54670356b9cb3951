package io.lakebase.jdbc;

import java.net.MalformedURLException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.oauth.DatabricksOAuthTokenSource;
import com.databricks.sdk.core.oauth.IDToken;
import com.databricks.sdk.core.oauth.OpenIDConnectEndpoints;
import com.databricks.sdk.core.oauth.Token;
import org.jspecify.annotations.Nullable;

/**
 * Exchanges a token another identity provider issued to a user (the bearer token of an OAuth2
 * resource server, say) for a Databricks token of the same user, through Databricks OAuth token
 * federation: an RFC 8693 token exchange at the workspace's {@code /oidc/v1/token}, as the
 * Databricks SDK's {@link DatabricksOAuthTokenSource} does it. The workspace's federation policy
 * decides whom the token maps to. Answers are kept by a fingerprint of the exchanged token until
 * a minute before the Databricks token expires, so that a user's requests exchange once per
 * token, not once each.
 *
 * @since 0.1.0
 */
public final class LakebaseTokenExchange {

	// A Databricks token closer than this to its expiry is exchanged again.
	private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);

	private static final int MAX_ENTRIES = 10_000;

	private final Supplier<WorkspaceClient> workspaceClient;

	private final @Nullable String clientId;

	private final List<String> scopes;

	private final UserTokens tokens = new UserTokens();

	private final Map<String, Token> exchanged = new ConcurrentHashMap<>();

	/**
	 * Creates a token exchange on the application's workspace.
	 * @param workspaceClient the application's client: its workspace and HTTP client, never its
	 * credentials
	 * @param clientId the client id the federation policy expects, or {@code null} for an
	 * account-wide policy (users signed in to the identity provider)
	 * @param scopes the scopes to ask for
	 */
	public LakebaseTokenExchange(Supplier<WorkspaceClient> workspaceClient, @Nullable String clientId,
			List<String> scopes) {
		this.workspaceClient = Objects.requireNonNull(workspaceClient, "workspaceClient");
		this.clientId = clientId;
		this.scopes = List.copyOf(scopes);
	}

	/**
	 * Returns a Databricks token for the user of an external token.
	 * @param subjectToken the token the identity provider issued
	 * @return the Databricks token
	 * @throws LakebaseUserAccessException when the workspace does not accept the token (401)
	 * @throws SQLException when the workspace cannot be reached
	 */
	public String exchange(String subjectToken) throws SQLException {
		if (subjectToken == null || subjectToken.isBlank()) {
			throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
					"No token to exchange for a Databricks token");
		}
		String fingerprint = this.tokens.fingerprint(subjectToken);
		Instant now = Instant.now();
		Token known = this.exchanged.get(fingerprint);
		if (known != null && known.getExpiry().minus(EXPIRY_MARGIN).isAfter(now)) {
			return known.getAccessToken();
		}
		Token token = request(subjectToken);
		if (this.exchanged.size() >= MAX_ENTRIES) {
			this.exchanged.values().removeIf((entry) -> !entry.getExpiry().isAfter(now));
			if (this.exchanged.size() >= MAX_ENTRIES) {
				this.exchanged.clear();
			}
		}
		this.exchanged.put(fingerprint, token);
		return token.getAccessToken();
	}

	private Token request(String subjectToken) throws SQLException {
		DatabricksConfig config;
		OpenIDConnectEndpoints endpoints;
		try {
			config = this.workspaceClient.get().config();
			endpoints = new OpenIDConnectEndpoints(config.getHost() + "/oidc/v1/token",
					config.getHost() + "/oidc/v1/authorize");
		}
		catch (MalformedURLException | RuntimeException ex) {
			throw new SQLException("Could not reach the workspace's token endpoint: " + ex.getMessage(), "08001", ex);
		}
		DatabricksOAuthTokenSource exchange = new DatabricksOAuthTokenSource.Builder(this.clientId, config.getHost(),
				endpoints, (audience) -> new IDToken(subjectToken), config.getHttpClient())
			.scopes(this.scopes)
			.build();
		try {
			return exchange.getToken();
		}
		catch (DatabricksException ex) {
			// An answer of the token endpoint (invalid_grant, say) refuses the token; anything
			// else (no answer) is a failure to reach it.
			if (ex.getMessage() != null && ex.getMessage().startsWith("Token request failed with error")) {
				throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
						"The workspace does not exchange the user's token: " + ex.getMessage(), ex);
			}
			throw new SQLException("Could not exchange the user's token: " + ex.getMessage(), "08001", ex);
		}
	}

	@Override
	public String toString() {
		return "LakebaseTokenExchange[clientId=" + this.clientId + ", scopes=" + this.scopes + "]";
	}

}
