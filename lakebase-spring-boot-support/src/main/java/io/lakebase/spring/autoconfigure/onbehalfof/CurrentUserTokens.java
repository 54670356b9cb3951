package io.lakebase.spring.autoconfigure.onbehalfof;

import java.sql.SQLException;
import java.util.List;

import io.lakebase.jdbc.LakebaseUserTokenSource;
import org.jspecify.annotations.Nullable;

/**
 * The configured token sources, asked in order: the first token found is the current user's.
 * A source that finds a token it cannot turn into a Databricks token fails the request: the next
 * source is not asked, so that a refused user never becomes another identity.
 */
final class CurrentUserTokens implements LakebaseUserTokenSource {

	private final List<LakebaseUserTokenSource> sources;

	CurrentUserTokens(List<LakebaseUserTokenSource> sources) {
		this.sources = List.copyOf(sources);
	}

	@Override
	public @Nullable String currentUserToken() throws SQLException {
		for (LakebaseUserTokenSource source : this.sources) {
			String token = source.currentUserToken();
			if (token != null) {
				return token;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this.sources.toString();
	}

}
