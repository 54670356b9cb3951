package io.lakebase.spring.autoconfigure.onbehalfof;

import io.lakebase.jdbc.LakebaseUserTokenSource;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The signed-in user's token that the Databricks Apps proxy forwards in the
 * {@code X-Forwarded-Access-Token} header of the current servlet request. Only the proxy can be
 * trusted to set it: an application reachable other than through it must not use this source.
 */
final class ForwardedAccessTokenSource implements LakebaseUserTokenSource {

	static final String HEADER = "X-Forwarded-Access-Token";

	@Override
	public @Nullable String currentUserToken() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (!(attributes instanceof ServletRequestAttributes servlet)) {
			return null;
		}
		HttpServletRequest request = servlet.getRequest();
		String token = request.getHeader(HEADER);
		return (token != null && !token.isBlank()) ? token.trim() : null;
	}

	@Override
	public String toString() {
		return "the " + HEADER + " request header";
	}

}
