package io.lakebase.jdbc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per host, at WARN, that connections to it are encrypted but the server is not
 * verified ({@code require} without a root certificate): a man in the middle could read the
 * database credential, which logs in for up to an hour.
 */
final class TlsWarnings {

	private static final Logger logger = LoggerFactory.getLogger(TlsWarnings.class);

	// Hosts already warned about: every connector of the host (primary, replica, R2DBC) warns once in all.
	private static final Set<String> warned = ConcurrentHashMap.newKeySet();

	private TlsWarnings() {
	}

	static void warnIfUnverified(LakebaseConnectionSettings settings, String host) {
		if (settings.effectiveSslMode() == SslMode.REQUIRE) {
			warnIfUnverified(host, "remove lakebase.ssl.mode (verify-full, the default, against the JVM trust store), "
					+ "or set lakebase.ssl.root-cert to the CA's PEM file (without Spring: "
					+ "LakebaseConnectionSettings.Builder sslMode and sslRootCert)");
		}
	}

	/**
	 * Says once per host that connections to it use SSL mode {@code require}: encrypted, but the
	 * server is not verified.
	 * @param host the host
	 * @param fix what to do to verify it
	 */
	static void warnIfUnverified(String host, String fix) {
		if (HostNames.isLoopback(host) || !warned.add(host)) {
			return;
		}
		logger.warn("Lakebase connections to {} use SSL mode 'require': encrypted, but the server's certificate is "
				+ "not verified, so a man in the middle could read the database credential. To verify it, {}.", host,
				fix);
	}

}
