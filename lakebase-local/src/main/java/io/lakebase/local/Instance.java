package io.lakebase.local;

/**
 * A Provisioned database instance of the emulated workspace.
 *
 * @param name the instance name
 * @param stopped whether the instance is stopped
 */
public record Instance(String name, boolean stopped) {

	public Instance {
		if (name == null || name.isBlank() || name.contains("/")) {
			throw new IllegalArgumentException("Instance name must be a plain name, got '" + name + "'");
		}
	}

	/**
	 * A running instance.
	 * @param name the instance name
	 * @return the instance
	 */
	public static Instance of(String name) {
		return new Instance(name, false);
	}

	/**
	 * This instance, stopped.
	 * @return a stopped copy
	 */
	public Instance asStopped() {
		return new Instance(this.name, true);
	}

}
