package io.lakebase.spring.boot3.autoconfigure.health;

import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import io.lakebase.spring.autoconfigure.health.LakebaseHealthChecks;
import io.lakebase.spring.autoconfigure.health.LakebaseHealthIndicatorProperties;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code lakebase} health indicator
 * ({@code management.health.lakebase.enabled}).
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LakebaseConnectionDetails.class)
@ConditionalOnEnabledHealthIndicator("lakebase")
@EnableConfigurationProperties(LakebaseHealthIndicatorProperties.class)
public final class LakebaseHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "lakebaseHealthIndicator", "lakebaseHealthContributor" })
	LakebaseHealthIndicator lakebaseHealthIndicator(ListableBeanFactory beanFactory,
			LakebaseHealthIndicatorProperties properties) {
		return new LakebaseHealthIndicator(new LakebaseHealthChecks(beanFactory), properties.checkedTimeout());
	}

}
