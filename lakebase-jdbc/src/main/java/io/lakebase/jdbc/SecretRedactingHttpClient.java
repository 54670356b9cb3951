package io.lakebase.jdbc;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.commons.CommonsHttpClient;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client of the workspace clients this library creates: the SDK's own, except that the
 * text the SDK logs of each response ({@code Response.getDebugBody()}, printed at DEBUG with the
 * first {@code debug_truncate_bytes} of each field) never holds a token. Without it, a large
 * {@code DATABRICKS_DEBUG_TRUNCATE_BYTES} (or {@code debug_truncate_bytes} in
 * {@code ~/.databrickscfg}) and DEBUG logging print whole database credentials. The body the SDK
 * parses is untouched. It also remembers the {@code Retry-After} of the latest throttled answer,
 * which the SDK sleeps through on its caller's thread, so that a caller that gave up on that call
 * knows when to come back ({@link #retryAfterLeft()}).
 */
final class SecretRedactingHttpClient implements HttpClient {

	private static final Pattern SECRET_FIELD = Pattern
		.compile("(\"(?:token|access_token|refresh_token|id_token)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final String REDACTED = "$1\"**REDACTED**\"";

	private final DatabricksConfig config;

	private volatile @Nullable HttpClient delegate;

	// Its own, so that closing a client that is dropped (the authentication plugin's) frees its
	// connections to the workspace; the SDK's default sizes.
	private final PoolingHttpClientConnectionManager connections = connections();

	// The latest throttled answer's Retry-After, with when it came (monotonic nanoseconds).
	private volatile @Nullable RetryAfter retryAfter;

	// The Date header of the latest answer, with when it came (monotonic nanoseconds).
	private volatile @Nullable ServerDate serverDate;

	/**
	 * Creates a client over the configuration's own HTTP client or, without one, over the SDK's
	 * default client, made at the first request (the configuration is resolved by then: timeouts,
	 * proxy).
	 * @param config the configuration the client serves
	 */
	SecretRedactingHttpClient(DatabricksConfig config) {
		this.config = config;
		this.delegate = config.getHttpClient();
	}

	@Override
	public Response execute(Request in) throws IOException {
		Response response = delegate().execute(in);
		recordRetryAfter(response);
		recordServerDate(response);
		String debugBody = response.getDebugBody();
		if (debugBody == null || !SECRET_FIELD.matcher(debugBody).find()) {
			return response;
		}
		String redacted = redact(debugBody);
		// The same body to parse; only what the SDK logs of it differs.
		return new Response(in, response.getUrl(), response.getStatusCode(), response.getStatus(),
				response.getAllHeaders(), debugBody) {

			@Override
			public String getDebugBody() {
				return redacted;
			}

		};
	}

	/**
	 * Returns what is left of the delay the workspace asked for in its latest throttled answer
	 * ({@code 429} or {@code 503} with a {@code Retry-After} of seconds or an HTTP date). The SDK
	 * sleeps through it on the calling thread; a caller that abandoned that call learns it here.
	 * @return the delay left, or {@code null} when none is pending
	 */
	@Nullable Duration retryAfterLeft() {
		RetryAfter latest = this.retryAfter;
		if (latest == null) {
			return null;
		}
		long left = latest.delay().toNanos() - (System.nanoTime() - latest.receivedAt());
		return (left > 0) ? Duration.ofNanos(left) : null;
	}

	/**
	 * Returns the workspace's time, by the {@code Date} header of an answer received after the
	 * given moment: the server's clock, for lifetimes that must not depend on this machine's.
	 * @param since a {@link System#nanoTime()} reading taken before the request
	 * @return the time the latest such answer gave, or {@code null} when none did
	 */
	@Nullable Instant serverDateSince(long since) {
		ServerDate latest = this.serverDate;
		return (latest != null && latest.receivedAt() - since >= 0) ? latest.date() : null;
	}

	/**
	 * Returns the workspace's time by an answer received since the given moment, when the client
	 * is one this library made.
	 * @param workspaceClient the client that made the call
	 * @param since a {@link System#nanoTime()} reading taken before the call
	 * @return the workspace's time, or {@code null} when unknown
	 */
	static @Nullable Instant serverDateSince(WorkspaceClient workspaceClient, long since) {
		return (workspaceClient.config().getHttpClient() instanceof SecretRedactingHttpClient client)
				? client.serverDateSince(since) : null;
	}

	private void recordServerDate(Response response) {
		String header = response.getFirstHeader("Date");
		if (header == null || header.isBlank()) {
			return;
		}
		try {
			Instant date = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			this.serverDate = new ServerDate(date, System.nanoTime());
		}
		catch (DateTimeParseException ex) {
			// Not a date: the token's own issue time or this machine's clock applies.
		}
	}

	private void recordRetryAfter(Response response) {
		int status = response.getStatusCode();
		if (status != 429 && status != 503) {
			return;
		}
		String header = response.getFirstHeader("Retry-After");
		Duration delay = parseRetryAfter(header);
		if (delay != null) {
			this.retryAfter = new RetryAfter(delay, System.nanoTime());
		}
	}

	static @Nullable Duration parseRetryAfter(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
		}
		catch (NumberFormatException ex) {
			try {
				Instant at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				Duration delay = Duration.between(Instant.now(), at);
				return delay.isNegative() ? Duration.ZERO : delay;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/**
	 * Replaces the value of every token field of a JSON text.
	 * @param json the text
	 * @return the text with {@code "**REDACTED**"} for each token
	 */
	static String redact(String json) {
		return SECRET_FIELD.matcher(json).replaceAll(REDACTED);
	}

	private record RetryAfter(Duration delay, long receivedAt) {
	}

	private record ServerDate(Instant date, long receivedAt) {
	}

	/**
	 * Closes the connections to the workspace: for a client that is dropped.
	 */
	void close() {
		this.connections.shutdown();
	}

	private static PoolingHttpClientConnectionManager connections() {
		PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager();
		connections.setMaxTotal(100);
		connections.setDefaultMaxPerRoute(20);
		return connections;
	}

	private HttpClient delegate() {
		HttpClient client = this.delegate;
		if (client == null) {
			synchronized (this) {
				client = this.delegate;
				if (client == null) {
					client = new CommonsHttpClient.Builder().withDatabricksConfig(this.config)
						.withConnectionManager(this.connections)
						.build();
					this.delegate = client;
				}
			}
		}
		return client;
	}

}
