package io.lakebase.spring.boot3.autoconfigure;

import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;

/**
 * The JDBC view of the auto-configured data source's {@link LakebaseResolver}, for Boot's Hikari
 * {@code DataSource}. It has no password: the pool logs in through its login data source, which
 * supplies the current credential. Until the connection is resolved (with
 * {@code lakebase.fail-fast=false}), the URL names the configured host or
 * {@link LakebaseConnectionInfo#UNDISCOVERED_HOST}, and the user is the configured one, if any.
 */
final class LakebaseJdbcConnectionDetails implements JdbcConnectionDetails {

	private final LakebaseResolver resolver;

	LakebaseJdbcConnectionDetails(LakebaseResolver resolver) {
		this.resolver = resolver;
	}

	@Override
	public String getJdbcUrl() {
		return this.resolver.jdbcUrl();
	}

	@Override
	public @Nullable String getUsername() {
		return this.resolver.username();
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
