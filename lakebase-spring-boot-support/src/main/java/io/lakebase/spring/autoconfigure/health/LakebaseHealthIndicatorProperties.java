package io.lakebase.spring.autoconfigure.health;

import java.time.Duration;

import io.lakebase.spring.autoconfigure.LakebaseProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code lakebase} health indicator.
 */
@ConfigurationProperties("management.health.lakebase")
public class LakebaseHealthIndicatorProperties {

	/**
	 * Longest time a health check takes, within which it answers DOWN rather than waiting for a
	 * slow credential API or login.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Returns the timeout, checked.
	 * @return the timeout
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * when it is not positive
	 */
	public Duration checkedTimeout() {
		return LakebaseProperties.positive("management.health.lakebase.timeout", this.timeout, "2s");
	}

}
