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
			.pooled(properties.isPooled())
			.sslMode(ssl.getMode())
			.sslRootCert(ssl.getRootCert())
			.sslCert(ssl.getCert())
			.sslKey(ssl.getKey())
			.build();
	}

	private static LakebaseTarget target(LakebaseProperties properties) {
		String endpoint = properties.getEndpoint();
		String instance = properties.getInstance();
		String project = properties.getProject();
		String branch = properties.getBranch();
		int targets = (StringUtils.hasText(endpoint) ? 1 : 0) + (StringUtils.hasText(instance) ? 1 : 0)
				+ ((StringUtils.hasText(project) || StringUtils.hasText(branch)) ? 1 : 0);
		if (targets > 1) {
			// An endpoint, or a project and branch, for Autoscaling; an instance for Provisioned.
			Set<String> all = new LinkedHashSet<>(
					List.of("lakebase.endpoint", "lakebase.project", "lakebase.branch", "lakebase.instance"));
			throw new MutuallyExclusiveConfigurationPropertiesException(configured(properties), all);
		}
		if (StringUtils.hasText(endpoint)) {
			return LakebaseTarget.endpoint(endpoint);
		}
		if (StringUtils.hasText(instance)) {
			return LakebaseTarget.instance(instance);
		}
		if (StringUtils.hasText(project) || StringUtils.hasText(branch)) {
			if (!StringUtils.hasText(project) || !StringUtils.hasText(branch)) {
				String missing = StringUtils.hasText(project) ? "branch" : "project";
				throw new LakebaseConfigurationException(missing, null, "lakebase."
						+ (missing.equals("branch") ? "project" : "branch") + " is set without lakebase." + missing,
						"Set lakebase." + missing + " too: a branch is addressed by its project and its own id, such "
								+ "as lakebase.project=my-project and lakebase.branch=production.");
			}
			return LakebaseTarget.branch(project, branch);
		}
		throw new LakebaseConfigurationException("endpoint", null,
				"Neither lakebase.endpoint nor lakebase.instance is set",
				"Set lakebase.endpoint to projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id> "
						+ "(Autoscaling), lakebase.project and lakebase.branch (Autoscaling, the branch's read-write "
						+ "endpoint), or lakebase.instance to the instance name (Provisioned).");
	}

	private static Set<String> configured(LakebaseProperties properties) {
		Set<String> configured = new LinkedHashSet<>();
		if (StringUtils.hasText(properties.getEndpoint())) {
			configured.add("lakebase.endpoint");
		}
		if (StringUtils.hasText(properties.getProject())) {
			configured.add("lakebase.project");
		}
		if (StringUtils.hasText(properties.getBranch())) {
			configured.add("lakebase.branch");
		}
		if (StringUtils.hasText(properties.getInstance())) {
			configured.add("lakebase.instance");
		}
		return configured;
	}

}
