package io.lakebase.spring.autoconfigure.actuate;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks Databricks and Lakebase secrets in the {@code configprops} and {@code env} endpoints, also
 * when they are set to show values: the {@code lakebase.workspace} client secret and token, the
 * secrets the Databricks SDK reads from the environment, and any value shaped like a JWT (a
 * database credential or an OIDC token) or a personal access token.
 */
public final class LakebaseSanitizingFunction implements SanitizingFunction {

	// Compared without case and separators, so that every relaxed form of a name matches:
	// lakebase.workspace.client-secret, lakebase.workspace.clientSecret,
	// LAKEBASE_WORKSPACE_CLIENTSECRET, ...
	private static final Set<String> SECRET_KEYS = Set.of("lakebaseworkspaceclientsecret", "lakebaseworkspacetoken",
			"databricksclientsecret", "databrickstoken", "databrickspassword", "databricksoidctoken",
			"armclientsecret", "googlecredentials", "actionsidtokenrequesttoken", "systemaccesstoken");

	private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+");

	private static final Pattern PERSONAL_ACCESS_TOKEN = Pattern.compile("dapi[0-9a-f]{32}(-\\d+)?");

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (isSecretKey(data.getKey()) || isSecretValue(data.getValue())) {
			return data.withSanitizedValue();
		}
		return data;
	}

	private static boolean isSecretKey(String key) {
		String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return SECRET_KEYS.contains(normalized);
	}

	private static boolean isSecretValue(@Nullable Object value) {
		if (value instanceof CharSequence text) {
			return JWT.matcher(text).find() || PERSONAL_ACCESS_TOKEN.matcher(text).find();
		}
		return false;
	}

}
