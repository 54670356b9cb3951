package io.lakebase.jdbc;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Where the current user's Databricks token comes from, for a {@link LakebaseUserDataSource}: a
 * request header, an exchanged bearer token.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LakebaseUserTokenSource {

	/**
	 * Returns the current user's Databricks token.
	 * @return the token, or {@code null} when this source has none for the current thread
	 * @throws SQLException when a token was presented but cannot become a Databricks token (a
	 * {@code LakebaseUserAccessException} when the workspace refuses it)
	 */
	@Nullable String currentUserToken() throws SQLException;

}
