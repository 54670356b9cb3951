package io.lakebase.jdbc;

import java.net.URI;

import com.databricks.sdk.core.DatabricksConfig;

/**
 * Keeps workspace credentials off the wire in clear text: a workspace URL must be {@code https},
 * except for a local emulator on a loopback address.
 */
final class WorkspaceUrls {

	private WorkspaceUrls() {
	}

	/**
	 * Checks the workspace URL of a resolved configuration before any authenticated request.
	 * @param config the configuration, with its host resolved (setters, environment, profile)
	 * @throws LakebaseConfigurationException when the URL is plain {@code http} to a host that is not
	 * a loopback address
	 */
	static void requireSecure(DatabricksConfig config) {
		String url = config.getHost();
		if (url == null || url.isBlank()) {
			return;
		}
		URI uri;
		try {
			uri = URI.create(url.trim());
		}
		catch (IllegalArgumentException ex) {
			// Not a URL at all: the SDK's own request fails and is reported.
			return;
		}
		String scheme = uri.getScheme();
		if ("http".equalsIgnoreCase(scheme) && (uri.getHost() == null || !HostNames.isLoopback(uri.getHost()))) {
			throw new LakebaseConfigurationException("workspace.host", url, "The workspace URL " + url
					+ " is plain http to a host that is not a loopback address: the workspace credentials (an OAuth "
					+ "client secret, a personal access token) and every database credential would travel in "
					+ "clear text",
					"Use the workspace's https URL, such as https://my-workspace.cloud.databricks.com (wherever the "
							+ "host is set: this setting, DATABRICKS_HOST or a ~/.databrickscfg profile). Plain http is "
							+ "only for a local emulator on a loopback address.");
		}
	}

}
