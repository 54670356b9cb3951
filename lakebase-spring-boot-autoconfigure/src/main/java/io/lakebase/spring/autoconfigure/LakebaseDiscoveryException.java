package io.lakebase.spring.autoconfigure;

/**
 * Thrown when the host or user name cannot be looked up from the workspace.
 */
public class LakebaseDiscoveryException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what could not be found
	 */
	public LakebaseDiscoveryException(String message) {
		super(message);
	}

}
