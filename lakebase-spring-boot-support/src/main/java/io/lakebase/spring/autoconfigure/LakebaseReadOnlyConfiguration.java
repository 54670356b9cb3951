package io.lakebase.spring.autoconfigure;

import java.time.Duration;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.jdbc.LakebaseTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Read replica routing ({@code lakebase.read-only.*}): a resolver of the read-only host, checked at
 * startup, a second Hikari pool logging in there with the primary's credential (credentials belong
 * to the identity, not to one endpoint), and the routing the primary's {@code dataSource} is wrapped
 * in. The pool and resolver are not default candidates: injecting a {@code DataSource} or
 * {@code LakebaseResolver} by type still gives the primary's.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnReadOnlyCondition.class)
@Import(LakebaseReadOnlyWebConfiguration.class)
class LakebaseReadOnlyConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseReadOnlyConfiguration.class);

	/** The replica pool's connection timeout, unless set: a read waits that long before falling back. */
	static final Duration FALLBACK_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	@Bean(defaultCandidate = false)
	LakebaseResolver lakebaseReadOnlyResolver(LakebaseConnectionDetails connectionDetails,
			ObjectProvider<WorkspaceClient> workspaceClient, LakebaseCredentialCache credentials,
			LakebaseCredentialCaches caches, LakebaseProperties properties) {
		LakebaseConnectionSettings settings = readOnlySettings(connectionDetails.getSettings(), properties.getReadOnly());
		LakebaseResolver resolver = new LakebaseResolver(settings, workspaceClient::getObject, caches.observer());
		LakebaseFailFast.check(new LakebaseLoginDataSource(resolver, credentials), properties,
				(failure) -> {
					if (!(failure instanceof LakebaseConnectionException) || !properties.getReadOnly().isFallback()) {
						return false;
					}
					// Found and configured, but not reachable now: reads use the primary meanwhile.
					logger.warn("The Lakebase read replica ({}) refused the startup login: {}; read-only work goes "
							+ "to the primary until it is back", settings.target(), failure.getMessage());
					return true;
				});
		return resolver;
	}

	@Bean(defaultCandidate = false)
	HikariDataSource lakebaseReadOnlyDataSource(@Qualifier("lakebaseReadOnlyResolver") LakebaseResolver resolver,
			LakebaseCredentialCache credentials, LakebaseProperties properties, Environment environment) {
		HikariDataSource pool = new HikariDataSource();
		Binder binder = Binder.get(environment);
		// The replica pool starts from the primary's settings; lakebase.read-only.hikari.* overrides.
		binder.bind("spring.datasource.hikari", Bindable.ofInstance(pool));
		ConflictingConnectionProperties.checkTls(environment, "spring.datasource.hikari.data-source-properties",
				pool.getDataSourceProperties());
		pool.setPoolName("lakebase-read-only");
		pool.setReadOnly(true);
		if (!environment.containsProperty("spring.datasource.hikari.max-lifetime")) {
			pool.setMaxLifetime(LakebaseDataSource.DEFAULT_MAX_LIFETIME.toMillis());
		}
		if (properties.getReadOnly().isFallback()) {
			pool.setConnectionTimeout(FALLBACK_CONNECTION_TIMEOUT.toMillis());
		}
		// A replica that is down must not fail the start nor the first read: the fallback serves.
		pool.setInitializationFailTimeout(-1);
		binder.bind("lakebase.read-only.hikari", Bindable.ofInstance(pool));
		ConflictingConnectionProperties.checkTls(environment, "lakebase.read-only.hikari.data-source-properties",
				pool.getDataSourceProperties());
		pool.setDataSource(new LakebaseLoginDataSource(resolver, credentials, pool.getDataSourceProperties()));
		return pool;
	}

	@Bean
	LakebaseReadOnlyRouting lakebaseReadOnlyRouting(@Qualifier("lakebaseReadOnlyResolver") LakebaseResolver resolver,
			@Qualifier("lakebaseReadOnlyDataSource") HikariDataSource pool, LakebaseProperties properties) {
		LakebaseProperties.ReadOnly readOnly = properties.getReadOnly();
		Duration retryAfter = readOnly.getRetryAfter();
		if (retryAfter.isNegative() || retryAfter.isZero()) {
			throw LakebasePropertyFailures.of(new LakebaseConfigurationException("read-only.retry-after",
					retryAfter.toString(), "The retry window of a failed read-only host must be positive",
					"Set a positive duration, such as 5s."));
		}
		return new LakebaseReadOnlyRouting(resolver.target(), pool, readOnly.isFallback(), retryAfter);
	}

	static LakebaseConnectionSettings readOnlySettings(LakebaseConnectionSettings primary,
			LakebaseProperties.ReadOnly readOnly) {
		try {
			LakebaseTarget target = StringUtils.hasText(readOnly.getEndpoint())
					? LakebaseTarget.endpoint(readOnly.getEndpoint()) : primary.target();
			return LakebaseConnectionSettings.builder(target)
				.optionsFrom(primary)
				.host(readOnly.getHost())
				.readOnly(true)
				.build();
		}
		catch (LakebaseConfigurationException ex) {
			boolean readOnlySetting = ex.getSetting().equals("endpoint") || ex.getSetting().equals("host");
			throw LakebasePropertyFailures.of(readOnlySetting ? new LakebaseConfigurationException(
					"read-only." + ex.getSetting(), ex.getValue(), ex.getMessage(), ex.getAction()) : ex);
		}
	}

}
