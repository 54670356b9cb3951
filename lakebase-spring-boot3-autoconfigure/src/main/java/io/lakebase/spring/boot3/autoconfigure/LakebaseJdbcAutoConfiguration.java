package io.lakebase.spring.boot3.autoconfigure;

import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebasePrimaryConnection;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link JdbcConnectionDetails} that Boot's Hikari {@code DataSource}
 * is built from, when {@link LakebaseAutoConfiguration} made the {@link LakebasePrimaryConnection}.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class, before = DataSourceAutoConfiguration.class)
@ConditionalOnBean(LakebasePrimaryConnection.class)
public final class LakebaseJdbcAutoConfiguration {

	@Bean
	JdbcConnectionDetails lakebaseJdbcConnectionDetails(LakebasePrimaryConnection connection) {
		return new LakebaseJdbcConnectionDetails(connection.resolver());
	}

}
