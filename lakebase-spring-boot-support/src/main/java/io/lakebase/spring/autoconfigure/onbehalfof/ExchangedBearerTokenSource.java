package io.lakebase.spring.autoconfigure.onbehalfof;

import java.sql.SQLException;

import io.lakebase.jdbc.LakebaseUserTokenSource;

import io.lakebase.jdbc.LakebaseTokenExchange;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;

/**
 * The OAuth2 bearer token Spring Security authenticated the current request with (a resource
 * server's JWT or opaque token), exchanged for the same user's Databricks token through Databricks
 * OAuth token federation. Only an authenticated token is exchanged, and the workspace's federation
 * policy decides whom it maps to.
 */
final class ExchangedBearerTokenSource implements LakebaseUserTokenSource {

	private final LakebaseTokenExchange exchange;

	ExchangedBearerTokenSource(LakebaseTokenExchange exchange) {
		this.exchange = exchange;
	}

	@Override
	public @Nullable String currentUserToken() throws SQLException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| !(authentication.getCredentials() instanceof AbstractOAuth2Token token)) {
			return null;
		}
		return this.exchange.exchange(token.getTokenValue());
	}

	@Override
	public String toString() {
		return "the request's OAuth2 bearer token, exchanged through Databricks token federation";
	}

}
