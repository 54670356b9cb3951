package io.lakebase.jdbc;

import java.io.IOException;
import java.util.regex.Pattern;

import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.commons.CommonsHttpClient;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.http.Request;
import com.databricks.sdk.core.http.Response;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client of the workspace clients this library creates: the SDK's own, except that the
 * text the SDK logs of each response ({@code Response.getDebugBody()}, printed at DEBUG with the
 * first {@code debug_truncate_bytes} of each field) never holds a token. Without it, a large
 * {@code DATABRICKS_DEBUG_TRUNCATE_BYTES} (or {@code debug_truncate_bytes} in
 * {@code ~/.databrickscfg}) and DEBUG logging print whole database credentials. The body the SDK
 * parses is untouched.
 */
final class SecretRedactingHttpClient implements HttpClient {

	private static final Pattern SECRET_FIELD = Pattern
		.compile("(\"(?:token|access_token|refresh_token|id_token)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final String REDACTED = "$1\"**REDACTED**\"";

	private final DatabricksConfig config;

	private volatile @Nullable HttpClient delegate;

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
	 * Replaces the value of every token field of a JSON text.
	 * @param json the text
	 * @return the text with {@code "**REDACTED**"} for each token
	 */
	static String redact(String json) {
		return SECRET_FIELD.matcher(json).replaceAll(REDACTED);
	}

	private HttpClient delegate() {
		HttpClient client = this.delegate;
		if (client == null) {
			synchronized (this) {
				client = this.delegate;
				if (client == null) {
					client = new CommonsHttpClient.Builder().withDatabricksConfig(this.config).build();
					this.delegate = client;
				}
			}
		}
		return client;
	}

}
