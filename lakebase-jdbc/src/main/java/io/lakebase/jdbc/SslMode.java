package io.lakebase.jdbc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

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

	/** TLS without checking the server certificate. */
	REQUIRE,

	/** TLS, checking that a trusted authority signed the server certificate. */
	VERIFY_CA,

	/** TLS, checking the server certificate and that it names the host. */
	VERIFY_FULL;

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

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
					"Use 'verify-full' (checks the server's certificate and name), or 'require' (encrypts "
							+ "without checking). 'disable', 'allow' and 'prefer' are only for a local emulator "
							+ "on a loopback address.");
		}
	}

	/**
	 * Returns whether a host is a loopback address, decided without a DNS lookup: {@code localhost}
	 * or an IP literal in the loopback range. A name such as {@code 127.example.com} is not one.
	 * @param host the host name or IP literal
	 * @return whether the host is a loopback address
	 */
	static boolean isLoopback(String host) {
		String name = host.trim().toLowerCase(Locale.ROOT);
		if (name.startsWith("[") && name.endsWith("]")) {
			name = name.substring(1, name.length() - 1);
		}
		if (name.equals("localhost")) {
			return true;
		}
		if (IPV4_LITERAL.matcher(name).matches()) {
			String[] octets = name.split("\\.");
			for (String octet : octets) {
				if (Integer.parseInt(octet) > 255) {
					return false;
				}
			}
			return octets[0].equals("127");
		}
		if (name.indexOf(':') < 0) {
			return false;
		}
		try {
			// In brackets, the JDK parses an IPv6 literal and never looks the text up in DNS.
			return InetAddress.getByName("[" + name + "]").isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}


}
