package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConnector;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The JDBC view of a {@link LakebaseConnector}, for Boot's Hikari {@code DataSource}. It has no
 * password: the pool logs in through the connector's login data source, which supplies the
 * current credential. Until the connection is resolved (with {@code lakebase.fail-fast=false}),
 * the URL names the configured host or {@link LakebaseConnector#UNDISCOVERED_HOST}, and the user
 * is the configured one, if any.
 */
final class LakebaseJdbcConnectionDetails implements JdbcConnectionDetails {

	private final LakebaseConnector connector;

	LakebaseJdbcConnectionDetails(LakebaseConnector connector) {
		this.connector = connector;
	}

	@Override
	public String getJdbcUrl() {
		return this.connector.jdbcUrl();
	}

	@Override
	public @Nullable String getUsername() {
		return this.connector.username();
	}

	@Override
	public @Nullable String getPassword() {
		return null;
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

}
