package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} on behalf of the current user: each {@code getConnection()} takes the
 * current user's Databricks token from a supplier (the current request's, say) and lends a
 * connection of that user's pool in {@link LakebaseUserPools}. Without a token it fails with a
 * {@link LakebaseUserAccessException}: it never falls back to the application's identity.
 *
 * @since 0.1.0
 */
public final class LakebaseUserDataSource implements DataSource {

	private final LakebaseUserPools pools;

	private final LakebaseUserTokenSource currentUserToken;

	/**
	 * Creates a data source.
	 * @param pools the user pools
	 * @param currentUserToken the current user's token, or {@code null} when there is none
	 */
	public LakebaseUserDataSource(LakebaseUserPools pools, LakebaseUserTokenSource currentUserToken) {
		this.pools = Objects.requireNonNull(pools, "pools");
		this.currentUserToken = Objects.requireNonNull(currentUserToken, "currentUserToken");
	}

	/**
	 * Returns the user pools the connections come from.
	 * @return the pools
	 */
	public LakebaseUserPools pools() {
		return this.pools;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return this.pools.getConnection(this.currentUserToken.currentUserToken());
	}

	/**
	 * Not supported: the role is always the current user's, and the password their credential.
	 */
	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"A connection on behalf of a user logs in as the current user's role; use getConnection()");
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(@Nullable PrintWriter out) {
	}

	@Override
	public void setLoginTimeout(int seconds) {
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		throw new SQLException("Not a wrapper of " + type.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return type.isInstance(this);
	}

	@Override
	public String toString() {
		return "LakebaseUserDataSource[" + this.pools + "]";
	}

}
