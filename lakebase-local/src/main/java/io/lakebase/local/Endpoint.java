package io.lakebase.local;

import java.util.regex.Pattern;

/**
 * An Autoscaling compute endpoint of the emulated workspace.
 *
 * @param name the resource name, {@code projects/<p>/branches/<b>/endpoints/<e>}
 * @param readOnly whether the endpoint is a read-only replica
 * @param disabled whether the endpoint is disabled (it refuses connections)
 * @param highAvailability whether the endpoint is a high-availability read-write endpoint with a
 * readable secondary, reported as {@code status.hosts.read_only_host}
 */
public record Endpoint(String name, boolean readOnly, boolean disabled, boolean highAvailability) {

	// One id of a resource name: a project's, a branch's or an endpoint's.
	private static final String ID = "[a-z0-9][a-z0-9-]*";

	/** The name of a branch, {@code projects/<p>/branches/<b>}. */
	static final Pattern BRANCH_NAME = Pattern.compile("projects/" + ID + "/branches/" + ID);

	private static final Pattern NAME = Pattern.compile(BRANCH_NAME.pattern() + "/endpoints/" + ID);

	public Endpoint {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Endpoint name must look like projects/<p>/branches/<b>/endpoints/<e>, got '" + name + "'");
		}
		if (readOnly && highAvailability) {
			// On Lakebase the readable secondaries belong to the read-write primary; a replica has none.
			throw new IllegalArgumentException("Endpoint '" + name
					+ "' cannot be both a read-only replica and high-availability: only a read-write endpoint has a read-only host");
		}
	}

	/**
	 * An endpoint without high availability, as before high availability was emulated.
	 * @param name the resource name
	 * @param readOnly whether the endpoint is a read-only replica
	 * @param disabled whether the endpoint is disabled
	 */
	public Endpoint(String name, boolean readOnly, boolean disabled) {
		this(name, readOnly, disabled, false);
	}

	/**
	 * A read-write endpoint.
	 * @param name the resource name
	 * @return the endpoint
	 */
	public static Endpoint of(String name) {
		return new Endpoint(name, false, false, false);
	}

	/**
	 * This endpoint as a read-only replica.
	 * @return a read-only copy
	 */
	public Endpoint asReadOnly() {
		return new Endpoint(this.name, true, this.disabled, this.highAvailability);
	}

	/**
	 * This endpoint, disabled.
	 * @return a disabled copy
	 */
	public Endpoint asDisabled() {
		return new Endpoint(this.name, this.readOnly, true, this.highAvailability);
	}

	/**
	 * This endpoint with high availability: besides its read-write host it gets a read-only host of
	 * its own ({@code status.hosts.read_only_host}) whose sessions refuse writes, like a readable
	 * hot standby.
	 * @return a high-availability copy
	 */
	public Endpoint asHighAvailability() {
		return new Endpoint(this.name, this.readOnly, this.disabled, true);
	}

	// The branch the endpoint belongs to.
	String parent() {
		return this.name.substring(0, this.name.lastIndexOf("/endpoints/"));
	}

	String id() {
		return this.name.substring(this.name.lastIndexOf('/') + 1);
	}

}
