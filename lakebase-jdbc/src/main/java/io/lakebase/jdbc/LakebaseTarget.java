package io.lakebase.jdbc;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What to connect to: an Autoscaling compute endpoint, an Autoscaling branch (whose endpoints are
 * looked up), or a Provisioned database instance.
 *
 * @param flavour the Lakebase flavour
 * @param name the endpoint name ({@code projects/<p>/branches/<b>/endpoints/<e>}), the branch name
 * ({@code projects/<p>/branches/<b>}) or the instance name
 * @since 0.1.0
 */
public record LakebaseTarget(Flavour flavour, String name) {

	// One resource id: letters, digits, hyphens and underscores, as Lakebase ids are made of; no
	// dot, percent, question mark, hash or space, so that a name can only ever name one resource
	// of the request path it goes into.
	private static final String ID = "[A-Za-z0-9][A-Za-z0-9_-]{0,127}";

	private static final Pattern ENDPOINT_NAME = Pattern
		.compile("projects/" + ID + "/branches/" + ID + "/endpoints/" + ID);

	private static final Pattern ID_PATTERN = Pattern.compile(ID);

	private static final Pattern INSTANCE_NAME = ID_PATTERN;

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
					+ "' is not of the form projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>, "
					+ "each id made of letters, digits, hyphens and underscores",
					"Use the full name of the compute endpoint, such as "
							+ "projects/my-project/branches/production/endpoints/primary. The Lakebase App shows it "
							+ "under Connect; 'databricks postgres list-endpoints' lists them.");
		}
		return new LakebaseTarget(Flavour.AUTOSCALING, trimmed);
	}

	/**
	 * An Autoscaling branch, addressed by project and branch as Databricks' Python helper does: its
	 * read-write endpoint (or, for read-only connections, a read-only one) is looked up once, at the
	 * first connection.
	 * @param project the project id, such as {@code my-project}
	 * @param branch the branch id, such as {@code production}
	 * @return the target
	 * @throws LakebaseConfigurationException when an id is not a plain resource id
	 */
	public static LakebaseTarget branch(String project, String branch) {
		String projectId = id("project", project, "my-project", "list-projects");
		String branchId = id("branch", branch, "production", "list-branches projects/" + projectId);
		return new LakebaseTarget(Flavour.AUTOSCALING, "projects/" + projectId + "/branches/" + branchId);
	}

	private static String id(String setting, @Nullable String value, String example, String listCommand) {
		String trimmed = (value != null) ? value.trim() : "";
		if (!ID_PATTERN.matcher(trimmed).matches()) {
			throw new LakebaseConfigurationException(setting, value, "The " + setting + " id '" + value
					+ "' is not a plain id (letters, digits, hyphens and underscores)",
					"Use the " + setting + "'s id alone, such as " + example + ", not its full name "
							+ "('databricks postgres " + listCommand + "' lists them).");
		}
		return trimmed;
	}

	/**
	 * Returns the target's own id, the last segment of its name: the endpoint's, the branch's or
	 * the instance's, as a property such as {@code lakebase.branch} holds it.
	 * @return the id
	 */
	String id() {
		return this.name.substring(this.name.lastIndexOf('/') + 1);
	}

	/**
	 * Returns whether this target names a branch, whose endpoints are looked up.
	 * @return {@code true} for {@link #branch(String, String)}
	 */
	public boolean isBranch() {
		return this.flavour == Flavour.AUTOSCALING && !this.name.contains("/endpoints/");
	}

	/**
	 * A Provisioned database instance.
	 * @param name the instance name
	 * @return the target
	 * @throws LakebaseConfigurationException when the name is not a plain instance name
	 */
	public static LakebaseTarget instance(String name) {
		String trimmed = name.trim();
		if (!INSTANCE_NAME.matcher(trimmed).matches()) {
			throw new LakebaseConfigurationException("instance", name,
					"The database instance name '" + name + "' is not a plain instance name (letters, digits, "
							+ "hyphens and underscores)",
					"Use the name of the database instance, such as my-instance "
							+ "('databricks database list-database-instances' lists them).");
		}
		return new LakebaseTarget(Flavour.PROVISIONED, trimmed);
	}

	/**
	 * Returns what this target is called, as in the Spring Boot property, health details and
	 * metric tags.
	 * @return {@code endpoint}, {@code branch} or {@code instance}
	 */
	public String kind() {
		if (this.flavour == Flavour.PROVISIONED) {
			return "instance";
		}
		return isBranch() ? "branch" : "endpoint";
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
