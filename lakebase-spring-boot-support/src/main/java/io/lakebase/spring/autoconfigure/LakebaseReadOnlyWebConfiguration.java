package io.lakebase.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Read your writes in a servlet web application: each request is a read-only routing scope, so
 * that once a request wrote on the primary its read-only transactions go there too
 * ({@code lakebase.read-only.read-your-writes}). Spring Boot registers the filter bean for every
 * request, on both Boot lines.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
@ConditionalOnBooleanProperty(name = "lakebase.read-only.read-your-writes", matchIfMissing = true)
class LakebaseReadOnlyWebConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "lakebaseReadOnlyScopeFilter")
	LakebaseReadOnlyScopeFilter lakebaseReadOnlyScopeFilter(ObjectProvider<LakebaseReadOnlyRouting> routing) {
		return new LakebaseReadOnlyScopeFilter(routing);
	}

}
