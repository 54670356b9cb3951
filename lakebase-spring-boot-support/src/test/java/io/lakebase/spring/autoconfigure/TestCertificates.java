package io.lakebase.spring.autoconfigure;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Certificates for TLS tests.
 */
final class TestCertificates {

	private TestCertificates() {
	}

	/**
	 * Returns, in PEM, a CA that the JVM's default trust store trusts: a real public CA, which did
	 * not sign the local Lakebase's certificate.
	 * @return the PEM text
	 * @throws Exception if the trust store cannot be read
	 */
	static String aPublicCaOfTheJvm() throws Exception {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init((KeyStore) null);
		for (var manager : factory.getTrustManagers()) {
			if (manager instanceof X509TrustManager trustManager && trustManager.getAcceptedIssuers().length > 0) {
				return pem(trustManager.getAcceptedIssuers()[0]);
			}
		}
		throw new IllegalStateException("The JVM trust store holds no CA");
	}

	private static String pem(X509Certificate certificate) throws Exception {
		String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded());
		return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
	}

}
