package io.lakebase.spring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseTarget;

import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.util.StringUtils;

/**
 * Adapts {@link LakebaseProperties} to {@link LakebaseConnectionDetails}: reads and validates the
 * settings once, before any network call, failing with Spring Boot's own property exceptions so
 * that the report shows where a value came from.
 */
final class PropertiesLakebaseConnectionDetails implements LakebaseConnectionDetails {

	private final LakebaseConnectionSettings settings;

	PropertiesLakebaseConnectionDetails(LakebaseProperties properties) {
		try {
			this.settings = settings(properties);
		}
		catch (LakebaseConfigurationException ex) {
			throw LakebasePropertyFailures.of(ex);
		}
	}

	@Override
	public LakebaseConnectionSettings getSettings() {
		return this.settings;
	}

	private static LakebaseConnectionSettings settings(LakebaseProperties properties) {
		LakebaseProperties.Ssl ssl = properties.getSsl();
		return LakebaseConnectionSettings.builder(target(properties))
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

	private static LakebaseTarget target(LakebaseProperties properties) {
		String endpoint = properties.getEndpoint();
		String instance = properties.getInstance();
		boolean hasEndpoint = StringUtils.hasText(endpoint);
		boolean hasInstance = StringUtils.hasText(instance);
		if (hasEndpoint && hasInstance) {
			// An endpoint for Lakebase Autoscaling, an instance for Provisioned: never both.
			Set<String> both = new LinkedHashSet<>(List.of("lakebase.endpoint", "lakebase.instance"));
			throw new MutuallyExclusiveConfigurationPropertiesException(both, both);
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
