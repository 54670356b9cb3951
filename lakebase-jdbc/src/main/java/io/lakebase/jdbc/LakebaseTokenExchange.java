package io.lakebase.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.http.FormRequest;
import com.databricks.sdk.core.http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Exchanges a token another identity provider issued to a user (the bearer token of an OAuth2
 * resource server, say) for a Databricks token of the same user, through Databricks OAuth token
 * federation: an RFC 8693 token exchange at the workspace's {@code /oidc/v1/token} (what the
 * Databricks SDK's {@code DatabricksOAuthTokenSource} sends), with no client id, so that the
 * workspace's account-wide federation policy maps the token to its user. Answers are kept by a
 * fingerprint of the exchanged token until a minute before the Databricks token expires, and
 * dropped then; concurrent requests with the same new token share one exchange; a token the
 * workspace refuses is refused again from memory for a few seconds. Neither token is logged.
 *
 * @since 0.1.0
 */
public final class LakebaseTokenExchange {

	/** The scopes asked for by default. */
	public static final List<String> DEFAULT_SCOPES = List.of("all-apis");

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	private static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

	// A Databricks token closer than this to its expiry is exchanged again.
	private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);

	// How long a refused token is refused again without asking.
	private static final Duration REFUSAL_MEMORY = Duration.ofSeconds(5);

	private final Supplier<WorkspaceClient> workspaceClient;

	private final List<String> scopes;

	private final UserTokens tokens = new UserTokens();

	private final Map<String, Exchange> exchanged = new ConcurrentHashMap<>();

	/**
	 * Creates a token exchange on the application's workspace.
	 * @param workspaceClient the application's client: its workspace and HTTP client, never its
	 * credentials
	 * @param scopes the scopes to ask for
	 */
	public LakebaseTokenExchange(Supplier<WorkspaceClient> workspaceClient, List<String> scopes) {
		this.workspaceClient = Objects.requireNonNull(workspaceClient, "workspaceClient");
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
		while (true) {
			Instant now = Instant.now();
			Exchange known = this.exchanged.get(fingerprint);
			if (known != null && !known.isUsable(now)) {
				this.exchanged.remove(fingerprint, known);
				known = null;
			}
			if (known == null) {
				Exchange started = new Exchange(new CompletableFuture<>());
				known = this.exchanged.putIfAbsent(fingerprint, started);
				if (known == null) {
					prune(now);
					run(subjectToken, fingerprint, started);
					known = started;
				}
			}
			try {
				return known.token.get();
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof SQLException sql) {
					throw (sql instanceof LakebaseUserAccessException refused) ? new LakebaseUserAccessException(
							refused.getReason(), refused.getMessage(), refused) : sql;
				}
				throw new SQLException("Could not exchange the user's token", "08001", ex.getCause());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("Interrupted while exchanging the user's token", "08001", ex);
			}
		}
	}

	// On the caller's thread: one HTTP request, bounded by the workspace client's timeout.
	private void run(String subjectToken, String fingerprint, Exchange exchange) {
		try {
			Answer answer = request(subjectToken);
			exchange.usableUntil = answer.expiresAt().minus(EXPIRY_MARGIN);
			exchange.token.complete(answer.token());
		}
		catch (LakebaseUserAccessException ex) {
			exchange.usableUntil = Instant.now().plus(REFUSAL_MEMORY);
			exchange.token.completeExceptionally(ex);
		}
		catch (SQLException | RuntimeException ex) {
			this.exchanged.remove(fingerprint, exchange);
			exchange.token.completeExceptionally(ex);
		}
	}

	private Answer request(String subjectToken) throws SQLException {
		DatabricksConfig config;
		try {
			config = this.workspaceClient.get().config();
		}
		catch (RuntimeException ex) {
			throw new SQLException("Could not reach the workspace's token endpoint: " + ex.getMessage(), "08001", ex);
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", TOKEN_EXCHANGE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", JWT);
		form.put("scope", String.join(" ", this.scopes));
		JsonNode body;
		int status;
		try {
			Response response = config.getHttpClient().execute(new FormRequest(config.getHost() + "/oidc/v1/token", form));
			status = response.getStatusCode();
			try (InputStream content = response.getBody()) {
				body = (content != null) ? JSON.readTree(content) : null;
			}
		}
		catch (IOException ex) {
			throw new SQLTransientConnectionException("Could not reach the workspace's token endpoint: "
					+ ex.getMessage(), "08001", ex);
		}
		String error = (body != null) ? body.path("error").asText(null) : null;
		if (error != null || status == 400 || status == 401 || status == 403) {
			// The endpoint's answer about the token: a description, never the token.
			String description = (body != null) ? body.path("error_description").asText("") : "";
			throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
					"The workspace does not exchange the user's token (" + ((error != null) ? error : status)
							+ (description.isEmpty() ? "" : ": " + description) + ")");
		}
		String token = (body != null) ? body.path("access_token").asText(null) : null;
		if (status != 200 || token == null || token.isBlank()) {
			throw new SQLException("The workspace's token endpoint answered " + status + " without a token", "08001");
		}
		long expiresIn = body.path("expires_in").asLong(0);
		return new Answer(token, Instant.now().plusSeconds(expiresIn));
	}

	private void prune(Instant now) {
		this.exchanged.values().removeIf((exchange) -> exchange.token.isDone() && !exchange.isUsable(now));
	}

	@Override
	public String toString() {
		return "LakebaseTokenExchange[scopes=" + this.scopes + "]";
	}

	private record Answer(String token, Instant expiresAt) {
	}

	private static final class Exchange {

		private final CompletableFuture<String> token;

		// Until then the answer (a token, or a refusal) is given from memory; unset while running.
		private volatile Instant usableUntil;

		Exchange(CompletableFuture<String> token) {
			this.token = token;
		}

		boolean isUsable(Instant now) {
			Instant until = this.usableUntil;
			return until == null || until.isAfter(now);
		}

	}

}
