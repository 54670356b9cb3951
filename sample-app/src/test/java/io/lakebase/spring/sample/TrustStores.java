package io.lakebase.spring.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * A JVM trust store holding one CA (the local Lakebase's), as the JDK's trust store holds the
 * public CA that signs Lakebase's certificates, for a sample started in a JVM of its own.
 */
final class TrustStores {

	private static final String PASSWORD = "changeit";

	private TrustStores() {
	}

	/**
	 * Writes a PKCS12 trust store holding a CA certificate and returns the JVM options that make
	 * it the JVM's trust store.
	 * @param caCertificate the CA's PEM file
	 * @param directory where to write the store
	 * @return the {@code -Djavax.net.ssl.trustStore*} options
	 * @throws IOException if the store cannot be written
	 * @throws GeneralSecurityException if the certificate cannot be read
	 */
	static List<String> jvmOptionsTrusting(Path caCertificate, Path directory)
			throws IOException, GeneralSecurityException {
		Path trustStore = directory.resolve("truststore.p12");
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, PASSWORD.toCharArray());
		try (InputStream ca = Files.newInputStream(caCertificate)) {
			store.setCertificateEntry("lakebase-local-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
		}
		try (OutputStream out = Files.newOutputStream(trustStore)) {
			store.store(out, PASSWORD.toCharArray());
		}
		return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
				"-Djavax.net.ssl.trustStoreType=PKCS12");
	}

}
