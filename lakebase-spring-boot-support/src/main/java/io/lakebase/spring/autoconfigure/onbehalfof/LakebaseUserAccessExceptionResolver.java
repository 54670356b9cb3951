package io.lakebase.spring.autoconfigure.onbehalfof;

import java.io.IOException;

import io.lakebase.jdbc.LakebaseUserAccessException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a request whose work on behalf of its user was refused with 401 (no token, or one the
 * workspace rejects; with {@code WWW-Authenticate: Bearer}) or 403 (a user who may not log in),
 * wherever the refusal surfaces: a {@code JdbcTemplate}'s {@code CannotGetJdbcConnectionException},
 * a JPA exception, the plain {@code SQLException}. Ahead of the application's own handlers, so
 * that a refused user never gets a 500 that reads like an outage.
 */
final class LakebaseUserAccessExceptionResolver implements HandlerExceptionResolver, Ordered {

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception exception) {
		LakebaseUserAccessException refused = find(exception);
		if (refused == null) {
			return null;
		}
		try {
			if (refused.getHttpStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
				response.setHeader("WWW-Authenticate", "Bearer");
			}
			response.sendError(refused.getHttpStatus(), refused.getMessage());
		}
		catch (IOException ex) {
			return null;
		}
		return new ModelAndView();
	}

	static @Nullable LakebaseUserAccessException find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof LakebaseUserAccessException refused) {
				return refused;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
