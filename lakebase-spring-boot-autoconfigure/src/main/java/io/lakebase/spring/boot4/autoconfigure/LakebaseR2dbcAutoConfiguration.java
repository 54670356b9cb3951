package io.lakebase.spring.boot4.autoconfigure;

import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.spring.autoconfigure.LakebaseR2dbcConfiguration;
import io.lakebase.r2dbc.LakebaseR2dbc;
import io.r2dbc.spi.ConnectionFactoryOptions;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the {@link R2dbcConnectionDetails} that Boot's R2DBC connection factory
 * (and its pool, {@code spring.r2dbc.pool.*}) is built from, when {@link LakebaseAutoConfiguration}
 * is active and r2dbc-postgresql is present: r2dbc-postgresql options whose password is the
 * rotating Lakebase credential ({@link LakebaseR2dbc#options}), with the decorator of
 * {@code LakebaseR2dbcConfiguration}. Backs off when the application
 * defines its own {@code ConnectionFactory} or {@link R2dbcConnectionDetails}.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class, before = R2dbcAutoConfiguration.class)
@ConditionalOnClass(value = { R2dbcConnectionDetails.class, LakebaseR2dbc.class },
		name = "io.r2dbc.postgresql.PostgresqlConnectionFactory")
@ConditionalOnBean(LakebaseConnectionDetails.class)
@ConditionalOnMissingBean(type = { "io.r2dbc.spi.ConnectionFactory", "org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails" })
@Import(LakebaseR2dbcConfiguration.class)
public final class LakebaseR2dbcAutoConfiguration {

	@Bean
	R2dbcConnectionDetails lakebaseR2dbcConnectionDetails(LakebaseResolver resolver,
			LakebaseCredentialCache credentials) {
		return new LakebaseR2dbcConnectionDetails(resolver, credentials);
	}

	/**
	 * The R2DBC view of the application's connection: no static password, a publisher of the
	 * current credential instead. The options are resolved when first asked for (a workspace
	 * lookup unless {@code lakebase.host} is set).
	 */
	static final class LakebaseR2dbcConnectionDetails implements R2dbcConnectionDetails {

		private final LakebaseResolver resolver;

		private final LakebaseCredentialCache credentials;

		LakebaseR2dbcConnectionDetails(LakebaseResolver resolver, LakebaseCredentialCache credentials) {
			this.resolver = resolver;
			this.credentials = credentials;
		}

		@Override
		public ConnectionFactoryOptions getConnectionFactoryOptions() {
			return LakebaseR2dbc.options(this.resolver, this.credentials);
		}

	}

}
