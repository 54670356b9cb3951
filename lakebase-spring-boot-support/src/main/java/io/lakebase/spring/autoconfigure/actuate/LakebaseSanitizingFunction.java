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
 * secrets the Databricks SDK reads from the environment, the passwords a {@code spring.datasource}
 * may carry, the places that can hold any of them as text (the command line in
 * {@code sun.java.command}, {@code SPRING_APPLICATION_JSON}, {@code JAVA_TOOL_OPTIONS}), any value
 * that assigns a secret setting, and any value shaped like a JWT (a database credential or an OIDC
 * token) or a personal access token.
 */
public final class LakebaseSanitizingFunction implements SanitizingFunction {

	// Compared without case and separators, so that every relaxed form of a name matches:
	// lakebase.workspace.client-secret, lakebase.workspace.clientSecret,
	// LAKEBASE_WORKSPACE_CLIENTSECRET, ...
	private static final Set<String> SECRET_KEYS = Set.of("lakebaseworkspaceclientsecret", "lakebaseworkspacetoken",
			"databricksclientsecret", "databrickstoken", "databrickspassword", "databricksoidctoken",
			"armclientsecret", "googlecredentials", "actionsidtokenrequesttoken", "systemaccesstoken",
			"springdatasourcepassword", "springdatasourcehikaripassword", "springflywaypassword",
			"springliquibasepassword",
			// Text that can carry any property, secrets included.
			"sunjavacommand", "springapplicationjson", "javatooloptions", "jdkjavaoptions", "javaopts");

	// A secret setting assigned inside a longer value: "--lakebase.workspace.client-secret=...",
	// "-Dlakebase.workspace.token=...", "\"clientSecret\": ...", "DATABRICKS_CLIENT_SECRET=...".
	private static final Pattern SECRET_ASSIGNMENT = Pattern
		.compile("(?i)(client[-_.]?secret|workspace[-_.]token|databricks[-_.]token|password)[\"']?\\s*[=:]");

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
			return JWT.matcher(text).find() || PERSONAL_ACCESS_TOKEN.matcher(text).find()
					|| SECRET_ASSIGNMENT.matcher(text).find();
		}
		return false;
	}

}
