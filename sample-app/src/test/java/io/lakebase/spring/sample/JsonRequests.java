package io.lakebase.spring.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The HTTP requests the sample's tests send: a JSON body when there is one, and a timeout, so
 * that a stuck server fails a test instead of hanging it.
 */
final class JsonRequests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private JsonRequests() {
	}

	static HttpRequest of(String method, String url, @Nullable String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		return request
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

}
