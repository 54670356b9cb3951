package io.lakebase.local;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate for {@code localhost} and every
 * loopback address of the login front (one per compute, as IP subject alternative names), made at
 * start, so that clients can use {@code sslmode=require} unchanged and {@code verify-full} against
 * the written CA file on every host.
 */
final class TlsMaterial {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SSLContext sslContext;

	private final Path caCertificateFile;

	private TlsMaterial(SSLContext sslContext, Path caCertificateFile) {
		this.sslContext = sslContext;
		this.caCertificateFile = caCertificateFile;
	}

	static TlsMaterial generate(Path directory) throws IOException {
		return generate(directory, List.of(Hosts.PRIMARY));
	}

	static TlsMaterial generate(Path directory, Collection<String> addresses) throws IOException {
		try {
			KeyPair caKeys = newKeyPair();
			X500Name caName = new X500Name("CN=lakebase-local CA");
			X509Certificate ca = certificate(caName, caName, caKeys, caKeys, true, List.of());
			KeyPair serverKeys = newKeyPair();
			X509Certificate server = certificate(caName, new X500Name("CN=localhost"), serverKeys, caKeys, false,
					addresses);

			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			char[] password = new char[0];
			keyStore.setKeyEntry("server", serverKeys.getPrivate(), password, new Certificate[] { server, ca });
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, password);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, RANDOM);

			Path caFile = directory.resolve("lakebase-local-ca.pem");
			StringWriter pem = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
				writer.writeObject(ca);
			}
			Files.writeString(caFile, pem.toString());
			return new TlsMaterial(context, caFile);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IOException("Could not generate the local TLS certificates", ex);
		}
	}

	SSLContext sslContext() {
		return this.sslContext;
	}

	Path caCertificateFile() {
		return this.caCertificateFile;
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
		return generator.generateKeyPair();
	}

	private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys,
			KeyPair issuerKeys, boolean authority, Collection<String> addresses)
			throws IOException, GeneralSecurityException, OperatorCreationException {
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
				subjectKeys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
		if (authority) {
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		}
		else {
			builder.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			// verify-full compares the host a client dialled with these names: one per address.
			List<GeneralName> names = new ArrayList<>();
			names.add(new GeneralName(GeneralName.dNSName, "localhost"));
			for (String address : addresses) {
				names.add(new GeneralName(GeneralName.iPAddress, address));
			}
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(names.toArray(GeneralName[]::new)));
		}
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

}
