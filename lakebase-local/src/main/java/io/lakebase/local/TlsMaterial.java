package io.lakebase.local;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority and a server certificate for {@code localhost} and every loopback
 * address of the login front (one per compute, as IP subject alternative names), so that clients
 * verify the front ({@code verify-full}) against the CA file on every host. The CA is made at
 * start, or kept in a directory of its own and reused by later starts, so that a CA trusted once
 * stays valid; the server certificate is new at each start.
 */
final class TlsMaterial {

	static final String CA_FILE_NAME = "lakebase-local-ca.pem";

	static final String CA_KEY_FILE_NAME = "lakebase-local-ca-key.pem";

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";

	private static final String PKCS8_END = "-----END PRIVATE KEY-----";

	// Long enough for a CA kept from start to start; a server certificate lasts a month.
	private static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);

	private static final Duration SERVER_VALIDITY = Duration.ofDays(30);

	private final SSLContext sslContext;

	private final Path caCertificateFile;

	// Kept to sign the certificate of a host added after start (a created branch's endpoint).
	private final Authority authority;

	private TlsMaterial(SSLContext sslContext, Path caCertificateFile, Authority authority) {
		this.sslContext = sslContext;
		this.caCertificateFile = caCertificateFile;
		this.authority = authority;
	}

	static TlsMaterial generate(Path directory) throws IOException {
		return generate(directory, List.of(Hosts.PRIMARY), null);
	}

	/**
	 * Makes the server certificate, signed by the CA of a directory (made there on first use) or
	 * by a new CA written to the work directory.
	 * @param workDirectory where a new CA's certificate goes when no CA directory is given
	 * @param addresses the addresses the server certificate names
	 * @param caDirectory where the CA is kept from start to start, or {@code null}
	 * @return the material
	 * @throws IOException if a file cannot be read or written, or the CA there is unusable
	 */
	static TlsMaterial generate(Path workDirectory, Collection<String> addresses, @Nullable Path caDirectory)
			throws IOException {
		try {
			X500Name caName = new X500Name("CN=lakebase-local CA");
			Authority authority = (caDirectory != null) ? keptAuthority(caDirectory, caName)
					: newAuthority(workDirectory.resolve(CA_FILE_NAME), caName);
			SSLContext context = serverContext(authority, addresses);
			return new TlsMaterial(context, authority.certificateFile(), authority);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IOException("Could not generate the local TLS certificates", ex);
		}
	}

	/**
	 * Makes a server context for addresses added after start, with a new server certificate from
	 * the same CA, so that clients verifying against the CA file accept those hosts too.
	 * @param addresses the addresses the new certificate names
	 * @return the context
	 * @throws IOException if the certificate cannot be made
	 */
	SSLContext sslContext(Collection<String> addresses) throws IOException {
		try {
			return serverContext(this.authority, addresses);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IOException("Could not generate a local TLS certificate for " + addresses, ex);
		}
	}

	private static SSLContext serverContext(Authority authority, Collection<String> addresses)
			throws IOException, GeneralSecurityException, OperatorCreationException {
		KeyPair serverKeys = newKeyPair();
		// The issuer as the CA certificate spells its subject, byte for byte, for chain building.
		X500Name issuer = X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
		X509Certificate server = certificate(issuer, new X500Name("CN=localhost"), serverKeys, authority.keys(), false, addresses, SERVER_VALIDITY);
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		keyStore.load(null, null);
		char[] password = new char[0];
		keyStore.setKeyEntry("server", serverKeys.getPrivate(), password,
				new Certificate[] { server, authority.certificate() });
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keyStore, password);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), null, RANDOM);
		return context;
	}

	private static Authority newAuthority(Path certificateFile, X500Name name)
			throws IOException, GeneralSecurityException, OperatorCreationException {
		KeyPair keys = newKeyPair();
		X509Certificate certificate = certificate(name, name, keys, keys, true, List.of(), CA_VALIDITY);
		Files.writeString(certificateFile, pem(certificate));
		return new Authority(certificate, keys, certificateFile);
	}

	// The CA of the directory, or a new one written there: its key readable by the owner only.
	private static Authority keptAuthority(Path directory, X500Name name)
			throws IOException, GeneralSecurityException, OperatorCreationException {
		Path certificateFile = directory.resolve(CA_FILE_NAME);
		Path keyFile = directory.resolve(CA_KEY_FILE_NAME);
		if (Files.isRegularFile(certificateFile) && Files.isRegularFile(keyFile)) {
			Authority kept = read(certificateFile, keyFile);
			if (kept.certificate().getNotAfter().toInstant().isAfter(Instant.now().plus(SERVER_VALIDITY))) {
				return kept;
			}
		}
		Files.createDirectories(directory);
		Authority authority = newAuthority(certificateFile, name);
		Files.deleteIfExists(keyFile);
		Files.createFile(keyFile);
		try {
			Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system (Windows): the directory's own permissions apply.
		}
		Files.writeString(keyFile, pkcs8(authority.keys().getPrivate()));
		return authority;
	}

	private static Authority read(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
		X509Certificate certificate;
		try (PEMParser parser = new PEMParser(Files.newBufferedReader(certificateFile))) {
			Object parsed = parser.readObject();
			if (!(parsed instanceof X509CertificateHolder holder)) {
				throw new IOException(certificateFile + " holds no certificate");
			}
			certificate = new JcaX509CertificateConverter().getCertificate(holder);
		}
		// PKCS#8, as written by keptAuthority.
		String pem = Files.readString(keyFile);
		int begin = pem.indexOf(PKCS8_BEGIN);
		int finish = pem.indexOf(PKCS8_END);
		if (begin < 0 || finish < begin) {
			throw new IOException(keyFile + " holds no private key");
		}
		byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), finish));
		PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
		return new Authority(certificate, new KeyPair(certificate.getPublicKey(), privateKey), certificateFile);
	}

	private static String pkcs8(PrivateKey key) {
		return PKCS8_BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(key.getEncoded()) + "\n" + PKCS8_END + "\n";
	}

	private static String pem(Object object) throws IOException {
		StringWriter pem = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
			writer.writeObject(object);
		}
		return pem.toString();
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
			KeyPair issuerKeys, boolean authority, Collection<String> addresses, Duration validity)
			throws IOException, GeneralSecurityException, OperatorCreationException {
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject,
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

	private record Authority(X509Certificate certificate, KeyPair keys, Path certificateFile) {
	}

}
