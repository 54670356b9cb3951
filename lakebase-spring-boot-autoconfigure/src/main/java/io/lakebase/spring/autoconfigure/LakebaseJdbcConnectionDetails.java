package io.lakebase.spring.autoconfigure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
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
		checkTls(this.details.getHost());
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

	private void checkTls(String host) {
		if (this.ssl.getMode() == LakebaseProperties.SslMode.DISABLE && !isLoopback(host)) {
			throw new InvalidLakebasePropertyException("lakebase.ssl.mode", "disable",
					"TLS is disabled (lakebase.ssl.mode=disable) for the host " + host
							+ "; Lakebase only accepts encrypted connections",
					"Remove lakebase.ssl.mode to use 'require', or set 'verify-full' together with "
							+ "lakebase.ssl.root-cert to also verify the server. 'disable' is only for a local "
							+ "emulator on a loopback address.");
		}
	}

	// Decided on the name alone: resolving it here would put a DNS lookup on the start path.
	private static boolean isLoopback(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		return name.equals("localhost") || name.endsWith(".localhost") || name.startsWith("127.")
				|| name.equals("::1") || name.equals("[::1]");
	}

	private String host() {
		String host = this.details.getHost();
		// An IPv6 literal must be bracketed in a JDBC URL.
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
