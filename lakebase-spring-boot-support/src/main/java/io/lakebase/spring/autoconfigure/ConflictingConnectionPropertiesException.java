package io.lakebase.spring.autoconfigure;

/**
 * Thrown when Spring Boot's own connection properties ({@code spring.datasource.url}, say) are set
 * beside an active Lakebase connection. Its message names each property with its value masked
 * (no password, none inside a URL either) and where it was set.
 */
final class ConflictingConnectionPropertiesException extends RuntimeException {

	private final String action;

	ConflictingConnectionPropertiesException(String description, String action) {
		super(description);
		this.action = action;
	}

	String getAction() {
		return this.action;
	}

}
