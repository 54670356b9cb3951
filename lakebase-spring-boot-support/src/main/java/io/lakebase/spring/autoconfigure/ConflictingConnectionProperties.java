package io.lakebase.spring.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.lakebase.jdbc.SslMode;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Refuses Spring Boot's own connection properties while the Lakebase connection is active: Boot's
 * pool then takes its URL, user and password from Lakebase, and these would be silently ignored
 * (or, for the {@code hikari} ones, would quietly replace what Lakebase set).
 */
enum ConflictingConnectionProperties {

	/** {@code spring.datasource.*}, for the JDBC data source. */
	JDBC("spring.datasource", List.of("spring.datasource.url", "spring.datasource.username",
			"spring.datasource.password", "spring.datasource.hikari.jdbc-url", "spring.datasource.hikari.username",
			"spring.datasource.hikari.password")),

	/** {@code spring.r2dbc.*}, for the R2DBC connection factory. */
	R2DBC("spring.r2dbc", List.of("spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password"));

	// user:password@ in a URL's authority (r2dbc:postgresql://app:secret@host/db).
	private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

	// password=... (sslpassword too) among a URL's parameters, whatever their separator and case.
	private static final Pattern PARAMETER_PASSWORD = Pattern.compile("(?i)([?&;]\\w*password=)[^&;]*");

	private final String prefix;

	private final List<String> connectionProperties;

	ConflictingConnectionProperties(String prefix, List<String> connectionProperties) {
		this.prefix = prefix;
		this.connectionProperties = connectionProperties;
	}

	/**
	 * Fails when one of these connection properties is set.
	 * @param environment the environment
	 * @param target the Lakebase property that made the connection active, such as
	 * {@code lakebase.endpoint}
	 * @throws ConflictingConnectionPropertiesException naming each such property, its value
	 * masked and where it was set
	 */
	void check(Environment environment, String target) {
		List<String> set = this.connectionProperties.stream()
			.filter((name) -> StringUtils.hasText(environment.getProperty(name)))
			.toList();
		if (set.isEmpty()) {
			return;
		}
		// Never a password in a report, nor one written inside a URL: Boot's own report of an
		// invalid value would print the value as set, so this report is the starter's.
		List<String> described = set.stream().map((name) -> describe(environment, name)).toList();
		throw new ConflictingConnectionPropertiesException(String.join(", ", described)
				+ ((set.size() > 1) ? " are" : " is") + " set, and so is " + target + ": the Lakebase connection wins, "
				+ "and " + this.prefix + ".url, username and password are not used while it is active",
				"Remove " + String.join(", ", set) + " to connect to Lakebase, or set lakebase.enabled=false to "
						+ "connect with " + this.prefix + ".* instead.");
	}

	/**
	 * Fails when driver properties set TLS themselves ({@code sslmode}, {@code sslfactory},
	 * {@code sslrootcert}, ...): they could silently weaken what {@code lakebase.ssl.*} verifies,
	 * so TLS has one place to be set.
	 * @param environment the environment
	 * @param prefix the property the driver properties are bound from, such as
	 * {@code spring.datasource.hikari.data-source-properties}
	 * @param driverProperties the bound driver properties
	 * @throws ConflictingConnectionPropertiesException naming each such property
	 */
	static void checkTls(Environment environment, String prefix, Map<?, ?> driverProperties) {
		List<String> tls = SslMode.tlsProperties(driverProperties).stream().map((key) -> prefix + "." + key).toList();
		if (tls.isEmpty()) {
			return;
		}
		List<String> described = tls.stream().map((name) -> describe(environment, name)).toList();
		throw new ConflictingConnectionPropertiesException(String.join(", ", described)
				+ ((tls.size() > 1) ? " set" : " sets") + " TLS beside lakebase.ssl.*, which alone decides how the "
				+ "connection is encrypted and the server verified (a driver property could silently turn "
				+ "verification off)",
				"Remove " + String.join(", ", tls) + ", and set lakebase.ssl.mode, lakebase.ssl.root-cert, "
						+ "lakebase.ssl.cert and lakebase.ssl.key instead.");
	}

	/**
	 * Fails when driver properties bound under a prefix set TLS themselves, before anything
	 * connects.
	 * @param environment the environment
	 * @param prefix the prefix of the driver properties, such as {@code spring.r2dbc.properties}
	 * @throws ConflictingConnectionPropertiesException naming each such property
	 */
	static void checkTls(Environment environment, String prefix) {
		checkTls(environment, prefix, Binder.get(environment)
			.bind(prefix, Bindable.mapOf(String.class, String.class))
			.orElse(Map.of()));
	}

	private static String describe(Environment environment, String name) {
		ConfigurationPropertyName propertyName = ConfigurationPropertyName.adapt(name, '.');
		ConfigurationProperty property = null;
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			property = source.getConfigurationProperty(propertyName);
			if (property != null) {
				break;
			}
		}
		Object raw = (property != null) ? property.getValue() : environment.getProperty(name);
		String value = name.toLowerCase(Locale.ROOT).contains("password") ? "******"
				: maskedUrl((raw != null) ? raw.toString() : null);
		Origin origin = (property != null) ? property.getOrigin() : null;
		return name + " ('" + value + "'" + ((origin != null) ? ", from " + origin : "") + ")";
	}

	/**
	 * Masks the passwords a connection URL may hold: in its user information and in its
	 * parameters.
	 * @param url the URL
	 * @return the URL with each password replaced by {@code ******}
	 */
	static @Nullable String maskedUrl(@Nullable String url) {
		if (url == null) {
			return null;
		}
		String masked = USER_INFO_PASSWORD.matcher(url).replaceAll("$1******@");
		return PARAMETER_PASSWORD.matcher(masked).replaceAll("$1******");
	}

}
