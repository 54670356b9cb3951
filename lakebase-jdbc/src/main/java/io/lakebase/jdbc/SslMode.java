package io.lakebase.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * PgJDBC SSL modes, and which of them may carry a database credential to a host.
 *
 * @since 0.1.0
 */
public enum SslMode {

	/** No TLS (Lakebase refuses such connections). */
	DISABLE,

	/** TLS only if the server insists. */
	ALLOW,

	/** TLS if the server offers it. */
	PREFER,

	/**
	 * TLS without checking the server certificate: a man in the middle could read the database
	 * credential. With a root certificate, connections verify the CA ({@link #VERIFY_CA}), as
	 * libpq does.
	 */
	REQUIRE,

	/** TLS, checking that a trusted authority signed the server certificate. */
	VERIFY_CA,

	/** TLS, checking the server certificate and that it names the host: the default. */
	VERIFY_FULL;

	/**
	 * Returns the value PgJDBC expects for {@code sslmode}.
	 * @return the PgJDBC value, such as {@code verify-full}
	 */
	public String jdbcValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Returns whether this mode checks the server's certificate.
	 * @return {@code true} for {@code verify-ca} and {@code verify-full}
	 */
	public boolean verifiesServer() {
		return this == VERIFY_CA || this == VERIFY_FULL;
	}

	/**
	 * Checks that a database credential may be sent to a host in this mode: the modes that may
	 * fall back to plaintext ({@code disable}, {@code allow}, {@code prefer}) are only for a local
	 * emulator on a loopback address.
	 * @param host the database host
	 * @throws LakebaseConfigurationException when the mode may send the credential in plaintext to
	 * a host that is not a loopback address
	 */
	public void checkAllowedFor(String host) {
		if (ordinal() < REQUIRE.ordinal() && !isLoopback(host)) {
			throw new LakebaseConfigurationException("ssl.mode", jdbcValue(), "The SSL mode '" + jdbcValue()
					+ "' can send the database credential unencrypted to " + host
					+ ", which is not a loopback address; Lakebase only accepts encrypted connections",
					"Remove it to use the default, 'verify-full' (checks the server's certificate and name), "
							+ "or use 'require' (encrypts, and verifies the CA only with a root certificate). "
							+ "'disable', 'allow' and 'prefer' are only for a local emulator on a loopback address.");
		}
	}

	/**
	 * Returns the mode that connections use, as libpq reads it: {@code require} with a root
	 * certificate verifies the server's certificate chain ({@code verify-ca}), so that a root
	 * certificate is never silently ignored (PgJDBC itself ignores it under {@code require}).
	 * @param rootCert the file of trusted certificate authorities, or {@code null}
	 * @return the mode to connect with
	 */
	public SslMode withRootCert(@Nullable String rootCert) {
		return (this == REQUIRE && rootCert != null) ? VERIFY_CA : this;
	}

	/**
	 * Returns the driver properties among some that would set TLS another way than the Lakebase
	 * settings: every PgJDBC or r2dbc-postgresql property whose name starts with {@code ssl}
	 * ({@code sslmode}, {@code sslfactory}, {@code sslhostnameverifier}, {@code sslrootcert},
	 * {@code ssl}, ...), whatever its case. Such a property could silently weaken verification (a
	 * {@code NonValidatingFactory}, say), so connections refuse them.
	 * @param driverProperties the properties, such as a pool's data source properties
	 * @return the names of the properties that set TLS, in their order
	 */
	public static List<String> tlsProperties(Map<?, ?> driverProperties) {
		return driverProperties.keySet()
			.stream()
			.map(String::valueOf)
			.filter((name) -> name.toLowerCase(Locale.ROOT).startsWith("ssl"))
			.sorted()
			.toList();
	}

	/**
	 * Returns whether a host is a loopback address, decided without a DNS lookup: {@code localhost}
	 * or an IP literal in the loopback range. A name such as {@code 127.example.com} is not one.
	 * @param host the host name or IP literal
	 * @return whether the host is a loopback address
	 */
	static boolean isLoopback(String host) {
		return HostNames.isLoopback(host);
	}

}
