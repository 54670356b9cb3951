package io.lakebase.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@code lakebase.*} property has a value the starter cannot work with. Carries the
 * property and the fix, for {@link InvalidLakebasePropertyFailureAnalyzer}.
 */
public class InvalidLakebasePropertyException extends RuntimeException {

	private final String property;

	private final @Nullable String value;

	private final String action;

	/**
	 * Creates an exception.
	 * @param property the property to change
	 * @param value the offending value (never a secret), or {@code null} when missing
	 * @param description what is wrong
	 * @param action how to fix it
	 */
	public InvalidLakebasePropertyException(String property, @Nullable String value, String description,
			String action) {
		super(description);
		this.property = property;
		this.value = value;
		this.action = action;
	}

	/**
	 * Returns the property to change.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Returns the offending value.
	 * @return the value, or {@code null} when the property is missing
	 */
	public @Nullable String getValue() {
		return this.value;
	}

	/**
	 * Returns how to fix the configuration.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
