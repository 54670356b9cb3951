package io.lakebase.spring.autoconfigure;

import java.util.Properties;

import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;

/**
 * The connection of the auto-configured {@code dataSource}: its resolver and credentials, checked
 * at startup ({@code lakebase.fail-fast}) before the pool exists. Boot's JDBC connection details
 * read its URL and role; the post-processor makes the pool's login data source from it. Not a
 * {@code DataSource} itself, so that Boot still makes its own pool.
 *
 * @param resolver where the data source connects
 * @param credentials the credentials it logs in with
 * @since 0.1.0
 */
public record LakebasePrimaryConnection(LakebaseResolver resolver, LakebaseCredentialCache credentials) {

	/**
	 * Returns a login data source of its own for a pool, passing the pool's driver properties.
	 * @param driverProperties the pool's data source properties, read at each login
	 * @return the login data source
	 */
	LakebaseLoginDataSource loginDataSource(Properties driverProperties) {
		return new LakebaseLoginDataSource(this.resolver, this.credentials, driverProperties);
	}

}
