package io.lakebase.spring.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The three ways of reaching Lakebase that every figure compares.
 */
enum Variant {

	/** The Databricks guide: a credential API call for every new physical connection. */
	GUIDE("A", "the Databricks guide's pattern: Hikari over a `DataSource` that calls `generateDatabaseCredential` "
			+ "for every new connection, `maxLifetime` 45 min"),

	/** The starter's auto-configured {@code DataSource}. */
	STARTER("B", "the starter's auto-configured `DataSource`: Boot's Hikari with the starter's cached credential"),

	/** A static password on the same login path: no credential work at all. */
	STATIC_PASSWORD("C", "plain Hikari with a static password through the same login front: the physical limit");

	private final String letter;

	private final String description;

	Variant(String letter, String description) {
		this.letter = letter;
		this.description = description;
	}

	/**
	 * Returns every variant, in an order that rotates with the round, so that no variant always
	 * runs first (on a colder JIT) or right after the same other one.
	 * @param round the round, from zero
	 * @return the variants in this round's order
	 */
	static List<Variant> inTurn(int round) {
		List<Variant> variants = new ArrayList<>(List.of(values()));
		Collections.rotate(variants, -(round % variants.size()));
		return variants;
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
