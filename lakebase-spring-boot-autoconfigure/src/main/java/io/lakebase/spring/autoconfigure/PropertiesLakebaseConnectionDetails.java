package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseTarget;

import org.springframework.util.StringUtils;

/**
 * Adapts {@link LakebaseProperties} to {@link LakebaseConnectionDetails}: reads and validates the
 * settings once, before any network call.
 */
final class PropertiesLakebaseConnectionDetails implements LakebaseConnectionDetails {

	private final LakebaseConnectionSettings settings;

	PropertiesLakebaseConnectionDetails(LakebaseProperties properties) {
		LakebaseProperties.Ssl ssl = properties.getSsl();
		this.settings = LakebaseConnectionSettings.builder(target(properties))
			.host(properties.getHost())
			.port(properties.getPort())
			.database(properties.getDatabase())
			.username(properties.getUsername())
			.schema(properties.getSchema())
			.sslMode(ssl.getMode())
			.sslRootCert(ssl.getRootCert())
			.sslCert(ssl.getCert())
			.sslKey(ssl.getKey())
			.build();
	}

	@Override
	public LakebaseConnectionSettings getSettings() {
		return this.settings;
	}

	static LakebaseTarget target(LakebaseProperties properties) {
		String endpoint = properties.getEndpoint();
		String instance = properties.getInstance();
		boolean hasEndpoint = StringUtils.hasText(endpoint);
		boolean hasInstance = StringUtils.hasText(instance);
		if (hasEndpoint && hasInstance) {
			throw new LakebaseConfigurationException("endpoint", endpoint,
					"Both lakebase.endpoint and lakebase.instance are set (instance '" + instance + "')",
					"Set lakebase.endpoint for a Lakebase Autoscaling project or lakebase.instance for a "
							+ "Provisioned instance, not both.");
		}
		if (hasEndpoint) {
			return LakebaseTarget.endpoint(endpoint);
		}
		if (hasInstance) {
			return LakebaseTarget.instance(instance);
		}
		throw new LakebaseConfigurationException("endpoint", null,
				"Neither lakebase.endpoint nor lakebase.instance is set",
				"Set lakebase.endpoint to projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id> "
						+ "(Autoscaling) or lakebase.instance to the instance name (Provisioned).");
	}

}
