package io.lakebase.spring.autoconfigure.onbehalfof;

import java.util.ArrayList;
import java.util.List;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseResolver;
import io.lakebase.jdbc.LakebaseTokenExchange;
import io.lakebase.jdbc.LakebaseUserDataSource;
import io.lakebase.jdbc.LakebaseUserPools;
import io.lakebase.jdbc.LakebaseUserTokenSource;
import io.lakebase.spring.autoconfigure.LakebaseAutoConfiguration;
import io.lakebase.spring.autoconfigure.LakebaseProperties;
import io.lakebase.spring.autoconfigure.LakebaseProperties.OnBehalfOf;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of connections on behalf of the signed-in user
 * ({@code lakebase.on-behalf-of.enabled=true}): the {@link LakebaseUserPools} on the application's
 * Lakebase connection, the {@code lakebaseUserDataSource} whose connections log in as the user of
 * the current request (not a default candidate: the application's {@code dataSource} stays its
 * service principal's), the token sources it asks, a 401 or 403 for a refused user in a servlet web
 * application, and the user pools' meters when Micrometer is present.
 */
@AutoConfiguration(after = LakebaseAutoConfiguration.class)
@ConditionalOnClass({ WorkspaceClient.class, HikariDataSource.class })
@ConditionalOnBean(LakebaseResolver.class)
@ConditionalOnBooleanProperty("lakebase.on-behalf-of.enabled")
public final class LakebaseOnBehalfOfAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseOnBehalfOfAutoConfiguration.class);

	private static final String SERVLET_REQUEST = "jakarta.servlet.http.HttpServletRequest";

	private static final String REQUEST_CONTEXT = "org.springframework.web.context.request.RequestContextHolder";

	private static final String OAUTH2_TOKEN = "org.springframework.security.oauth2.core.AbstractOAuth2Token";

	@Bean
	@ConditionalOnMissingBean
	LakebaseUserPools lakebaseUserPools(LakebaseResolver resolver, ObjectProvider<WorkspaceClient> workspaceClient,
			LakebaseProperties properties) {
		OnBehalfOf onBehalfOf = properties.getOnBehalfOf();
		LakebaseProperties.Credential credential = properties.getCredential();
		try {
			LakebaseUserPools.Builder builder = LakebaseUserPools.builder(resolver, workspaceClient::getObject)
				.maxPoolSize(onBehalfOf.getMaxPoolSize())
				.maxUsers(onBehalfOf.getMaxUsers())
				.maxConnections(onBehalfOf.getMaxConnections())
				.idleTimeout(onBehalfOf.getIdleTimeout())
				.connectionTimeout(onBehalfOf.getConnectionTimeout())
				.credentials((cache) -> cache.refreshBefore(credential.getRefreshBefore())
					.fetchTimeout(credential.getFetchTimeout()));
			if (credential.getTtl() != null) {
				builder.credentialTtl(credential.getTtl());
			}
			return builder.build();
		}
		catch (LakebaseConfigurationException ex) {
			throw new InvalidConfigurationPropertyValueException("lakebase." + ex.getSetting(), ex.getValue(),
					ex.getMessage() + ". " + ex.getAction());
		}
	}

	@Bean
	@ConditionalOnMissingBean(name = "lakebaseUserTokenSource")
	LakebaseUserTokenSource lakebaseUserTokenSource(LakebaseProperties properties,
			ObjectProvider<WorkspaceClient> workspaceClient, ResourceLoader resourceLoader) {
		ClassLoader classLoader = resourceLoader.getClassLoader();
		OnBehalfOf onBehalfOf = properties.getOnBehalfOf();
		List<LakebaseUserTokenSource> sources = new ArrayList<>();
		for (OnBehalfOf.TokenSource source : onBehalfOf.getTokenSources()) {
			sources.add(switch (source) {
				case FORWARDED_ACCESS_TOKEN -> {
					requireClasses(classLoader, "forwarded-access-token", "a servlet web application (spring-boot-starter-web)",
							SERVLET_REQUEST, REQUEST_CONTEXT);
					yield new ForwardedAccessTokenSource();
				}
				case TOKEN_EXCHANGE -> {
					requireClasses(classLoader, "token-exchange", "Spring Security's OAuth2 resource server "
							+ "(spring-boot-starter-oauth2-resource-server)", OAUTH2_TOKEN);
					OnBehalfOf.TokenExchange exchange = onBehalfOf.getTokenExchange();
					if (exchange.getScopes().isEmpty() || exchange.getScopes().stream().anyMatch(String::isBlank)) {
						// A token without a scope could call nothing: every user would get a 403 later.
						throw new InvalidConfigurationPropertyValueException("lakebase.on-behalf-of.token-exchange.scopes",
								String.join(",", exchange.getScopes()), "The exchanged token needs at least one scope, "
										+ "and no blank one. Set it to all-apis, or remove it to use all-apis.");
					}
					yield new ExchangedBearerTokenSource(
							new LakebaseTokenExchange(workspaceClient::getObject, exchange.getScopes()));
				}
			});
		}
		if (sources.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("lakebase.on-behalf-of.token-sources", "",
					"No source of the current user's token is set. Set lakebase.on-behalf-of.token-sources to "
							+ "forwarded-access-token (Databricks Apps) or token-exchange (an OAuth2 resource server).");
		}
		CurrentUserTokens tokens = new CurrentUserTokens(sources);
		logger.info("Lakebase connections on behalf of users take the user's token from {}", tokens);
		return tokens;
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "lakebaseUserDataSource")
	LakebaseUserDataSource lakebaseUserDataSource(LakebaseUserPools pools,
			@Qualifier("lakebaseUserTokenSource") LakebaseUserTokenSource tokens) {
		return pools.dataSource(tokens);
	}

	private static void requireClasses(@Nullable ClassLoader classLoader, String source, String what,
			String... classNames) {
		for (String className : classNames) {
			if (!ClassUtils.isPresent(className, classLoader)) {
				throw new InvalidConfigurationPropertyValueException("lakebase.on-behalf-of.token-sources", source,
						"The token source " + source + " needs " + what + ", which is not on the class path. Add it, "
								+ "or choose another token source.");
			}
		}
	}

	/**
	 * A refused user gets 401 or 403 in a servlet web application.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LakebaseUserAccessExceptionResolver lakebaseUserAccessExceptionResolver() {
			return new LakebaseUserAccessExceptionResolver();
		}

	}

	/**
	 * The user pools' meters: users pooled and connections now, identity lookups, credential
	 * calls and evictions since start. No per-user tag: users are not a bounded set.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		MeterBinder lakebaseUserPoolMetrics(LakebaseUserPools pools) {
			return (registry) -> {
				Gauge.builder("lakebase.users.pooled", pools, (users) -> users.status().usersPooled())
					.description("Users with a pool of connections on their behalf")
					.register(registry);
				Gauge.builder("lakebase.users.connections", pools, (users) -> users.status().connections())
					.description("Connections open on behalf of users")
					.register(registry);
				FunctionCounter.builder("lakebase.users.identity.lookups", pools,
						(users) -> users.status().identityLookups())
					.description("Lookups of the user a token belongs to")
					.register(registry);
				FunctionCounter.builder("lakebase.users.credential.calls", pools,
						(users) -> users.status().credentialCalls())
					.description("Calls to the credential API with users' tokens")
					.register(registry);
				FunctionCounter.builder("lakebase.users.evictions", pools, (users) -> users.status().evictions())
					.description("User pools evicted beyond lakebase.on-behalf-of.max-users")
					.register(registry);
			};
		}

	}

}
