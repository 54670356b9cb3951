package io.lakebase.spring.autoconfigure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * The JDBC view of {@link LakebaseConnectionDetails}, used by Boot's Hikari {@code DataSource}.
 * It has no password: the pool gets one from the credential cache for each new connection.
 */
final class LakebaseJdbcConnectionDetails implements JdbcConnectionDetails {

	private final LakebaseConnectionDetails details;

	private final LakebaseProperties.Ssl ssl;

	private final @Nullable String schema;

	LakebaseJdbcConnectionDetails(LakebaseConnectionDetails details, LakebaseProperties properties) {
		this.details = details;
		this.ssl = properties.getSsl();
		this.schema = properties.getSchema();
	}

	@Override
	public String getJdbcUrl() {
		Map<String, @Nullable String> parameters = new LinkedHashMap<>();
		parameters.put("sslmode", this.ssl.getMode().jdbcValue());
		parameters.put("sslrootcert", this.ssl.getRootCert());
		parameters.put("sslcert", this.ssl.getCert());
		parameters.put("sslkey", this.ssl.getKey());
		parameters.put("currentSchema", this.schema);
		String query = parameters.entrySet()
			.stream()
			.filter((entry) -> StringUtils.hasText(entry.getValue()))
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return "jdbc:postgresql://" + host() + ":" + this.details.getPort() + "/"
				+ URLEncoder.encode(this.details.getDatabase(), StandardCharsets.UTF_8) + "?" + query;
	}

	@Override
	public String getUsername() {
		return this.details.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return null;
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

	private String host() {
		String host = this.details.getHost();
		// An IPv6 literal must be bracketed in a JDBC URL.
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
