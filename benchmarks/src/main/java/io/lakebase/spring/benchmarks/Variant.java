package io.lakebase.spring.benchmarks;

import java.util.Locale;

/**
 * The three ways of reaching Lakebase that every figure compares.
 */
enum Variant {

	/** The Databricks guide: a credential API call for every new physical connection. */
	GUIDE("A", "the Databricks guide's pattern: Hikari over a DataSource that calls generateDatabaseCredential "
			+ "for every new connection, maxLifetime 45 min"),

	/** The starter's auto-configured {@code DataSource}. */
	STARTER("B", "the starter's auto-configured DataSource (Boot's Hikari, cached credential)"),

	/** A static password on the same login path: no credential work at all. */
	STATIC_PASSWORD("C", "plain Hikari with a static password through the same login front: the physical limit");

	private final String letter;

	private final String description;

	Variant(String letter, String description) {
		this.letter = letter;
		this.description = description;
	}

	String letter() {
		return this.letter;
	}

	String description() {
		return this.description;
	}

	String poolName() {
		return this.letter + "-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
