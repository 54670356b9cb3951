package io.lakebase.test;

/**
 * Thrown when a test branch cannot be made or used: names the property to change (such as
 * {@code lakebase.test.parent}) and says how, or says which step of the branch's creation failed.
 *
 * @since 0.1.0
 */
public class TestBranchException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	/**
	 * Creates an exception.
	 * @param property the property to change, such as {@code lakebase.test.parent}
	 * @param message what went wrong and how to fix it (never a secret)
	 * @param cause the cause, or {@code null}
	 */
	public TestBranchException(String property, String message, Throwable cause) {
		super(message, cause);
		this.property = property;
	}

	/**
	 * Creates an exception.
	 * @param property the property to change, such as {@code lakebase.test.parent}
	 * @param message what went wrong and how to fix it (never a secret)
	 */
	public TestBranchException(String property, String message) {
		this(property, message, null);
	}

	/**
	 * Returns the property to change.
	 * @return the property, such as {@code lakebase.test.parent}
	 */
	public String getProperty() {
		return this.property;
	}

}
