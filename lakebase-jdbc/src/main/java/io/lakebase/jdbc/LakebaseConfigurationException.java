package io.lakebase.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a setting has a value that cannot work. Names the setting (as the Spring Boot
 * property under {@code lakebase.}, such as {@code endpoint} or {@code ssl.mode}), the offending
 * value and how to fix it.
 *
 * @since 0.1.0
 */
public class LakebaseConfigurationException extends RuntimeException {

	private final String setting;

	private final @Nullable String value;

	private final String action;

	/**
	 * Creates an exception.
	 * @param setting the setting to change, such as {@code endpoint}
	 * @param value the offending value (never a secret), or {@code null} when missing
	 * @param description what is wrong
	 * @param action how to fix it, without naming the setting again
	 */
	public LakebaseConfigurationException(String setting, @Nullable String value, String description, String action) {
		super(description);
		this.setting = setting;
		this.value = value;
		this.action = action;
	}

	/**
	 * Returns the setting to change.
	 * @return the setting, such as {@code endpoint} or {@code credential.ttl}
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * Returns the offending value.
	 * @return the value, or {@code null} when the setting is missing
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
