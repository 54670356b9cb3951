package io.lakebase.jdbc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a database host may be: a DNS name or an IP literal, nothing that could carry more into a
 * JDBC URL (a port, a path, a query such as {@code ?sslmode=disable}, user info). Decided by
 * parsing, never by a DNS lookup.
 */
final class HostNames {

	// RFC 1123 labels; underscores too, which some private DNS zones use.
	private static final Pattern DNS_NAME = Pattern
		.compile("(?=.{1,253}\\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
				+ "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

	private HostNames() {
	}

	/**
	 * Returns whether a value is a host and nothing more: a DNS name, an IPv4 literal or an IPv6
	 * literal (bracketed or not).
	 * @param host the value
	 * @return whether it is a host
	 */
	static boolean isValid(String host) {
		if (isIpv6Literal(host)) {
			return true;
		}
		if (IPV4_LITERAL.matcher(host).matches()) {
			return isIpv4(host);
		}
		// An all-numeric "name" that is no IPv4 address (999.1.1.1, say) is neither.
		return DNS_NAME.matcher(host).matches() && !host.replace(".", "").chars().allMatch(Character::isDigit);
	}

	/**
	 * Returns whether a host is a loopback address: {@code localhost} or an IP literal in the
	 * loopback range. A name such as {@code 127.example.com} is not one.
	 * @param host the host name or IP literal
	 * @return whether the host is a loopback address
	 */
	static boolean isLoopback(String host) {
		String name = host.trim().toLowerCase(Locale.ROOT);
		if (name.equals("localhost")) {
			return true;
		}
		if (IPV4_LITERAL.matcher(name).matches()) {
			return isIpv4(name) && name.startsWith("127.");
		}
		if (!isIpv6Literal(name)) {
			return false;
		}
		try {
			return InetAddress.getByName(bracketed(name)).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static boolean isIpv4(String literal) {
		for (String octet : literal.split("\\.")) {
			if (Integer.parseInt(octet) > 255) {
				return false;
			}
		}
		return true;
	}

	private static boolean isIpv6Literal(String host) {
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (literal.indexOf(':') < 0 || !IPV6_CHARACTERS.matcher(literal).matches()) {
			return false;
		}
		try {
			// In brackets, the JDK parses an IPv6 literal and never looks the text up in DNS.
			InetAddress.getByName("[" + literal + "]");
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static String bracketed(String literal) {
		return literal.startsWith("[") ? literal : "[" + literal + "]";
	}

}
