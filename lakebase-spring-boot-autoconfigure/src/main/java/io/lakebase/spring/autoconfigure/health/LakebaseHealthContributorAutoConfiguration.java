package io.lakebase.spring.autoconfigure.health;

import java.time.Clock;

import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code lakebase} health indicator
 * ({@code management.health.lakebase.enabled}).
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean({ LakebaseCredentialCache.class, LakebaseConnectionDetails.class, JdbcConnectionDetails.class })
@ConditionalOnEnabledHealthIndicator("lakebase")
public final class LakebaseHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "lakebaseHealthIndicator", "lakebaseHealthContributor" })
	LakebaseHealthIndicator lakebaseHealthIndicator(LakebaseConnectionDetails connectionDetails,
			JdbcConnectionDetails jdbcConnectionDetails, LakebaseCredentialCache cache) {
		return new LakebaseHealthIndicator(connectionDetails, jdbcConnectionDetails, cache, Clock.systemUTC());
	}

}
