package io.lakebase.spring.autoconfigure;

import java.util.regex.Pattern;

import org.springframework.util.StringUtils;

/**
 * What to connect to: an Autoscaling endpoint or a Provisioned instance.
 *
 * @param flavour the Lakebase flavour
 * @param name the endpoint name ({@code projects/<p>/branches/<b>/endpoints/<e>}) or instance name
 */
public record LakebaseTarget(Flavour flavour, String name) {

	private static final Pattern ENDPOINT_NAME = Pattern.compile("projects/[^/\\s]+/branches/[^/\\s]+/endpoints/[^/\\s]+");

	/**
	 * Reads and validates the target from {@code lakebase.endpoint} and {@code lakebase.instance}.
	 * @param properties the properties
	 * @return the target
	 * @throws InvalidLakebasePropertyException when neither, both, or a malformed one is set
	 */
	public static LakebaseTarget from(LakebaseProperties properties) {
		String endpoint = properties.getEndpoint();
		String instance = properties.getInstance();
		boolean hasEndpoint = StringUtils.hasText(endpoint);
		boolean hasInstance = StringUtils.hasText(instance);
		if (hasEndpoint && hasInstance) {
			throw new InvalidLakebasePropertyException("lakebase.endpoint", endpoint,
					"Both lakebase.endpoint and lakebase.instance are set (instance '" + instance + "')",
					"Set lakebase.endpoint for a Lakebase Autoscaling project or lakebase.instance for a Provisioned instance, not both.");
		}
		if (!hasEndpoint && !hasInstance) {
			throw new InvalidLakebasePropertyException("lakebase.endpoint", null,
					"Neither lakebase.endpoint nor lakebase.instance is set",
					"Set lakebase.endpoint to projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id> (Autoscaling) or lakebase.instance to the instance name (Provisioned).");
		}
		if (hasEndpoint) {
			String name = endpoint.trim();
			if (!ENDPOINT_NAME.matcher(name).matches()) {
				throw new InvalidLakebasePropertyException("lakebase.endpoint", endpoint,
						"The endpoint name '" + endpoint + "' is not of the form projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>",
						"Set lakebase.endpoint to the full endpoint name, such as projects/my-project/branches/production/endpoints/primary (Lakebase UI: Connect, or 'databricks postgres list-endpoints').");
			}
			return new LakebaseTarget(Flavour.AUTOSCALING, name);
		}
		return new LakebaseTarget(Flavour.PROVISIONED, instance.trim());
	}

	/**
	 * Returns the property that names this target.
	 * @return {@code lakebase.endpoint} or {@code lakebase.instance}
	 */
	public String property() {
		return "lakebase." + kind();
	}

	/**
	 * Returns what this target is called, as in its property, the health details and the metric
	 * tags.
	 * @return {@code endpoint} or {@code instance}
	 */
	public String kind() {
		return (this.flavour == Flavour.AUTOSCALING) ? "endpoint" : "instance";
	}

	/**
	 * The Lakebase flavours.
	 */
	public enum Flavour {

		/** Lakebase Autoscaling: projects, branches and compute endpoints. */
		AUTOSCALING,

		/** Lakebase Provisioned: database instances. */
		PROVISIONED

	}

}
