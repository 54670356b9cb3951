package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConnector;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link JdbcConnectionDetails} that Boot's Hikari {@code DataSource}
 * is built from, when {@link LakebaseAutoConfiguration} made a {@link LakebaseConnector}.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class, before = DataSourceAutoConfiguration.class)
@ConditionalOnBean(LakebaseConnector.class)
public final class LakebaseJdbcAutoConfiguration {

	@Bean
	JdbcConnectionDetails lakebaseJdbcConnectionDetails(LakebaseConnector connector) {
		return new LakebaseJdbcConnectionDetails(connector);
	}

}
