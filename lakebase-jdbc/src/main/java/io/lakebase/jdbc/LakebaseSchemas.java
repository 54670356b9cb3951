package io.lakebase.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Checks that the schemas of the search path ({@link LakebaseConnectionSettings#schema()}) exist:
 * PostgreSQL skips a missing one without a word, so unqualified names would silently resolve (and
 * tables be created) elsewhere. Run it once the schemas should exist: after the migrations that
 * create them.
 *
 * @since 0.1.0
 */
public final class LakebaseSchemas {

	private LakebaseSchemas() {
	}

	/**
	 * Checks, over one connection of a data source, that every schema of the settings exists.
	 * @param dataSource the data source to check with
	 * @param settings the settings whose schemas to check
	 * @throws LakebaseConfigurationException when a schema does not exist
	 * @throws SQLException when the check cannot run
	 */
	public static void requireExisting(DataSource dataSource, LakebaseConnectionSettings settings)
			throws SQLException {
		if (settings.schemaNames().isEmpty()) {
			return;
		}
		List<String> missing = new ArrayList<>();
		try (Connection connection = dataSource.getConnection();
				PreparedStatement exists = connection
					.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
			for (String schema : settings.schemaNames()) {
				exists.setString(1, schema);
				try (ResultSet found = exists.executeQuery()) {
					if (!found.next()) {
						missing.add(schema);
					}
				}
			}
		}
		if (!missing.isEmpty()) {
			throw new LakebaseConfigurationException("schema", settings.schema(), "The schema "
					+ String.join(", ", missing) + " does not exist in database '" + settings.database() + "' of "
					+ settings.target() + ": PostgreSQL skips it in the search path, and unqualified tables would be "
					+ "looked up and created elsewhere",
					"Set the name of an existing schema, or create it: CREATE SCHEMA " + missing.get(0)
							+ "; (or let the schema migration create it, such as Flyway's schemas setting).");
		}
	}

}
