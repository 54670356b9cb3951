package io.lakebase.local;

import java.util.regex.Pattern;

/**
 * An Autoscaling compute endpoint of the emulated workspace.
 *
 * @param name the resource name, {@code projects/<p>/branches/<b>/endpoints/<e>}
 * @param readOnly whether the endpoint is a read-only replica
 * @param disabled whether the endpoint is disabled (it refuses connections)
 */
public record Endpoint(String name, boolean readOnly, boolean disabled) {

	private static final Pattern NAME = Pattern
		.compile("projects/[a-z0-9][a-z0-9-]*/branches/[a-z0-9][a-z0-9-]*/endpoints/[a-z0-9][a-z0-9-]*");

	public Endpoint {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Endpoint name must look like projects/<p>/branches/<b>/endpoints/<e>, got '" + name + "'");
		}
	}

	/**
	 * A read-write endpoint.
	 * @param name the resource name
	 * @return the endpoint
	 */
	public static Endpoint of(String name) {
		return new Endpoint(name, false, false);
	}

	/**
	 * This endpoint as a read-only replica.
	 * @return a read-only copy
	 */
	public Endpoint asReadOnly() {
		return new Endpoint(this.name, true, this.disabled);
	}

	/**
	 * This endpoint, disabled.
	 * @return a disabled copy
	 */
	public Endpoint asDisabled() {
		return new Endpoint(this.name, this.readOnly, true);
	}

	String parent() {
		return this.name.substring(0, this.name.lastIndexOf("/endpoints/"));
	}

	String id() {
		return this.name.substring(this.name.lastIndexOf('/') + 1);
	}

}
