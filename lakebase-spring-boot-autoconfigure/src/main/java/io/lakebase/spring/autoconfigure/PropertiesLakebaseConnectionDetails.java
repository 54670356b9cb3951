package io.lakebase.spring.autoconfigure;

import com.databricks.sdk.WorkspaceClient;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Adapts {@link LakebaseProperties} to {@link LakebaseConnectionDetails}, looking up the host and
 * user name from the workspace (once, on first use) when they are not configured, and checking
 * them when they are.
 */
final class PropertiesLakebaseConnectionDetails implements LakebaseConnectionDetails {

	private final LakebaseProperties properties;

	private final LakebaseTarget target;

	private final SingletonSupplier<String> host;

	private final SingletonSupplier<String> username;

	PropertiesLakebaseConnectionDetails(LakebaseProperties properties, LakebaseTarget target,
			WorkspaceClient workspaceClient) {
		this.properties = properties;
		this.target = target;
		LakebaseDiscovery discovery = new LakebaseDiscovery(workspaceClient, target);
		String configuredHost = trimmed(properties.getHost());
		String configuredUsername = trimmed(properties.getUsername());
		this.host = SingletonSupplier.of(() -> discovery.host(configuredHost));
		this.username = SingletonSupplier.of(() -> discovery.username(configuredUsername));
	}

	@Override
	public LakebaseTarget getTarget() {
		return this.target;
	}

	@Override
	public String getHost() {
		return this.host.obtain();
	}

	@Override
	public int getPort() {
		return this.properties.getPort();
	}

	@Override
	public String getDatabase() {
		return this.properties.getDatabase();
	}

	@Override
	public String getUsername() {
		return this.username.obtain();
	}

	private static @Nullable String trimmed(@Nullable String value) {
		return StringUtils.hasText(value) ? value.trim() : null;
	}

}
