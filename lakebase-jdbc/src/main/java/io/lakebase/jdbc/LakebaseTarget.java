package io.lakebase.jdbc;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to connect to: an Autoscaling compute endpoint or a Provisioned database instance.
 *
 * @param flavour the Lakebase flavour
 * @param name the endpoint name ({@code projects/<p>/branches/<b>/endpoints/<e>}) or the instance
 * name
 * @since 0.1.0
 */
public record LakebaseTarget(Flavour flavour, String name) {

	private static final Pattern ENDPOINT_NAME = Pattern
		.compile("projects/[^/\\s]+/branches/[^/\\s]+/endpoints/[^/\\s]+");

	public LakebaseTarget {
		Objects.requireNonNull(flavour, "flavour");
		Objects.requireNonNull(name, "name");
	}

	/**
	 * An Autoscaling endpoint.
	 * @param name {@code projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>}
	 * @return the target
	 * @throws LakebaseConfigurationException when the name is not of that form
	 */
	public static LakebaseTarget endpoint(String name) {
		String trimmed = name.trim();
		if (!ENDPOINT_NAME.matcher(trimmed).matches()) {
			throw new LakebaseConfigurationException("endpoint", name, "The endpoint name '" + name
					+ "' is not of the form projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>",
					"Use the full name of the compute endpoint, such as "
							+ "projects/my-project/branches/production/endpoints/primary. The Lakebase App shows it "
							+ "under Connect; 'databricks postgres list-endpoints' lists them.");
		}
		return new LakebaseTarget(Flavour.AUTOSCALING, trimmed);
	}

	/**
	 * A Provisioned database instance.
	 * @param name the instance name
	 * @return the target
	 * @throws LakebaseConfigurationException when the name is blank or holds a slash
	 */
	public static LakebaseTarget instance(String name) {
		String trimmed = name.trim();
		if (trimmed.isEmpty() || trimmed.contains("/")) {
			throw new LakebaseConfigurationException("instance", name,
					"The database instance name '" + name + "' is not a plain instance name",
					"Use the name of the database instance, such as my-instance "
							+ "('databricks database list-database-instances' lists them).");
		}
		return new LakebaseTarget(Flavour.PROVISIONED, trimmed);
	}

	/**
	 * Returns what this target is called, as in the Spring Boot property, health details and
	 * metric tags.
	 * @return {@code endpoint} or {@code instance}
	 */
	public String kind() {
		return (this.flavour == Flavour.AUTOSCALING) ? "endpoint" : "instance";
	}

	@Override
	public String toString() {
		return kind() + " '" + this.name + "'";
	}

	/**
	 * The Lakebase flavours.
	 */
	public enum Flavour {

		/** Lakebase Autoscaling: projects, branches and compute endpoints. */
		AUTOSCALING,

		/** Lakebase Provisioned: database instances. */
		PROVISIONED;

		/**
		 * Returns the flavour's name in lower case, as in health details.
		 * @return {@code autoscaling} or {@code provisioned}
		 */
		public String displayName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
