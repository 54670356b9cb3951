package io.lakebase.local;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of the standalone {@link LocalLakebaseMain}: its options and the properties file it writes.
 */
class LocalLakebaseMainIT {

	@TempDir
	Path directory;

	@Test
	void fixedPortsAndSecretGiveTheSamePropertiesFileOnEveryRun() throws Exception {
		// A port picked free can be taken before the emulator binds it (by the embedded PostgreSQL
		// picking its own free port, say): then the whole check runs again on other free ports.
		for (int attempt = 1;; attempt++) {
			try {
				runTwiceOnFixedPorts(freePort(), freePort());
				return;
			}
			catch (UncheckedIOException ex) {
				if (attempt == 3 || !(ex.getCause() instanceof BindException)) {
					throw ex;
				}
			}
		}
	}

	private void runTwiceOnFixedPorts(int port, int workspacePort) throws Exception {
		Path file = this.directory.resolve("config/application-local.properties");
		LocalLakebaseMain.Options options = LocalLakebaseMain.Options.parse("--port=" + port,
				"--workspace-port=" + workspacePort, "--client-secret=my-fixed-local-secret",
				"--properties-file=" + file);
		String firstRun;
		try (LocalLakebase lakebase = options.builder().start()) {
			String printed = LocalLakebaseMain.describe(lakebase, file);
			assertThat(printed).contains("lakebase.ssl.mode=verify-full", "written to " + file.toAbsolutePath());
			firstRun = Files.readString(file);
			Properties properties = load(firstRun);
			Path caCertificate = this.directory.resolve("config").resolve(LocalLakebaseMain.CA_FILE_NAME);
			assertThat(properties).containsEntry("lakebase.port", Integer.toString(port))
				.containsEntry("lakebase.workspace.host", "http://127.0.0.1:" + workspacePort)
				.containsEntry("lakebase.workspace.client-id", LocalLakebase.DEFAULT_CLIENT_ID)
				.containsEntry("lakebase.workspace.client-secret", "my-fixed-local-secret")
				.containsEntry("lakebase.endpoint", LocalLakebase.DEFAULT_ENDPOINT)
				.containsEntry("lakebase.ssl.mode", "verify-full")
				.containsEntry("lakebase.ssl.root-cert", caCertificate.toAbsolutePath().toString());
			assertThat(caCertificate).hasSameTextualContentAs(lakebase.caCertificate());
			// The written CA verifies the front's certificate and host name.
			String token = lakebase.issueToken(lakebase.defaultIdentity(), Duration.ofMinutes(5)).token();
			String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + LocalLakebase.DEFAULT_DATABASE
					+ "?sslmode=verify-full&sslrootcert=" + caCertificate.toAbsolutePath();
			try (Connection connection = DriverManager.getConnection(url, LocalLakebase.DEFAULT_CLIENT_ID, token)) {
				assertThat(Clients.whoAmI(connection)).containsExactly(LocalLakebase.DEFAULT_CLIENT_ID,
						LocalLakebase.DEFAULT_DATABASE);
			}
		}
		try (LocalLakebase lakebase = options.builder().start()) {
			LocalLakebaseMain.describe(lakebase, file);
			assertThat(Files.readString(file)).isEqualTo(firstRun);
		}
	}

	@Test
	void thePoolerOptionGivesEachEndpointAPooledHost() throws Exception {
		try (LocalLakebase lakebase = LocalLakebaseMain.Options.parse("--pooler=true").builder().start()) {
			String pooled = lakebase.pooledHost(LocalLakebase.DEFAULT_ENDPOINT).orElseThrow();
			assertThat(LocalLakebaseMain.describe(lakebase, null))
				.containsPattern(LocalLakebase.DEFAULT_ENDPOINT + " " + lakebase.host() + " [^,]*\\(pooled " + pooled + "\\)");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("--pooler=yes"))
			.withMessage("--pooler must be true or false, got 'yes'.");
	}

	@Test
	void withoutOptionsThePortsAndTheSecretAreNewEachRun() throws Exception {
		LocalLakebaseMain.Options options = LocalLakebaseMain.Options.parse();
		try (LocalLakebase first = options.builder().start(); LocalLakebase second = options.builder().start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			assertThat(first.defaultIdentity().secret()).isNotEqualTo(second.defaultIdentity().secret());
			assertThat(LocalLakebaseMain.describe(first, null)).contains("lakebase.ssl.root-cert=" + first.caCertificate())
				.doesNotContain("written to");
		}
	}

	@Test
	void theReadOnlySettingsArePrintedAndWrittenCommentedOut() throws Exception {
		Path file = this.directory.resolve("application-local.properties");
		try (LocalLakebase lakebase = LocalLakebaseMain.Options.parse().builder().start()) {
			String printed = LocalLakebaseMain.describe(lakebase, file);
			String replicaLine = "# lakebase.read-only.endpoint=" + LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT;
			assertThat(printed).contains("Local Lakebase is running.")
				.contains("  # Uncomment to route @Transactional(readOnly = true) work to the read replica:\n  "
						+ replicaLine + "\n")
				.contains("  # lakebase.read-only.enabled=true\n")
				.contains("the read replica (writes fail): the same with PGHOST="
						+ lakebase.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT))
				.contains(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT + " "
						+ lakebase.host(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT) + " (read-only)")
				.contains(LocalLakebase.DEFAULT_ENDPOINT + " 127.0.0.1 (read-only "
						+ lakebase.readOnlyHost(LocalLakebase.DEFAULT_ENDPOINT).orElseThrow() + ")");
			String written = Files.readString(file);
			assertThat(written).contains("\n" + replicaLine + "\n", "\n# lakebase.read-only.enabled=true\n");
			// Commented out: an application opts in by uncommenting.
			assertThat(load(written)).doesNotContainKeys("lakebase.read-only.endpoint", "lakebase.read-only.enabled")
				.containsEntry("lakebase.endpoint", LocalLakebase.DEFAULT_ENDPOINT);
		}
	}

	@Test
	void aRestartKeepsTheUsersEditsAndTheCa() throws Exception {
		Path file = this.directory.resolve("application-local.properties");
		LocalLakebaseMain.Options options = LocalLakebaseMain.Options.parse("--properties-file=" + file);
		String ca;
		try (LocalLakebase lakebase = options.builder().start()) {
			LocalLakebaseMain.describe(lakebase, file);
			ca = Files.readString(lakebase.caCertificate());
			assertThat(lakebase.caCertificate()).isEqualTo(this.directory.resolve(LocalLakebaseMain.CA_FILE_NAME));
		}
		// The user routes reads to the replica, as the file suggests, and adds a setting of their own.
		String edited = Files.readString(file)
			.replace("# lakebase.read-only.endpoint=", "lakebase.read-only.endpoint=")
			.concat("app.greeting=hello\n");
		Files.writeString(file, edited);
		try (LocalLakebase lakebase = options.builder().start()) {
			LocalLakebaseMain.describe(lakebase, file);
			String restarted = Files.readString(file);
			Properties properties = load(restarted);
			assertThat(properties).containsEntry("lakebase.read-only.endpoint", LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT)
				.containsEntry("app.greeting", "hello")
				// Free ports and a new secret each run: the emulator's own values are updated.
				.containsEntry("lakebase.port", Integer.toString(lakebase.port()))
				.containsEntry("lakebase.workspace.client-secret", lakebase.defaultIdentity().secret());
			assertThat(restarted.lines().filter((line) -> line.contains("read-only.endpoint"))).hasSize(1);
			assertThat(Files.readString(lakebase.caCertificate())).isEqualTo(ca);
			// The kept CA still verifies the front's new certificate.
			String token = lakebase.issueToken(lakebase.defaultIdentity(), Duration.ofMinutes(5)).token();
			String url = "jdbc:postgresql://127.0.0.1:" + lakebase.port() + "/" + LocalLakebase.DEFAULT_DATABASE
					+ "?sslmode=verify-full&sslrootcert=" + lakebase.caCertificate();
			try (Connection connection = DriverManager.getConnection(url, LocalLakebase.DEFAULT_CLIENT_ID, token)) {
				assertThat(Clients.whoAmI(connection)).contains(LocalLakebase.DEFAULT_CLIENT_ID);
			}
		}
		assertThat(this.directory.resolve("lakebase-local-ca-key.pem")).exists();
	}

	@Test
	void theDescriptionShowsPlainJavaSettings() throws Exception {
		try (LocalLakebase lakebase = LocalLakebaseMain.Options.parse().builder().start()) {
			assertThat(LocalLakebaseMain.describe(lakebase)).contains("Plain Java (lakebase-jdbc and HikariCP):",
					".endpoint(\"" + LocalLakebase.DEFAULT_ENDPOINT + "\")",
					".workspace(new DatabricksConfig().setHost(\"" + lakebase.workspaceUrl() + "\")",
					".settings((settings) -> settings.port(" + lakebase.port() + ")",
					".sslRootCert(\"" + lakebase.caCertificate().toAbsolutePath() + "\"))");
		}
	}

	@Test
	void aPortInUseIsReportedByName() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			LocalLakebaseMain.Options options = LocalLakebaseMain.Options.parse("--port=" + taken.getLocalPort());
			assertThatException()
				.isThrownBy(() -> options.builder().start().close())
				.havingCause()
				.withMessage("Port " + taken.getLocalPort() + " of the login front is in use");
		}
	}

	@Test
	void badOptionsAreRefusedWithTheirName() {
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("--port=0"))
			.withMessage("--port must be a port between 1 and 65535, got '0'.");
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("--workspace-port=http"))
			.withMessage("--workspace-port must be a port between 1 and 65535, got 'http'.");
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("--secret=x"))
			.withMessage("Unknown option '--secret'.");
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("verbose"))
			.withMessage("Unknown argument 'verbose'.");
		assertThatIllegalArgumentException().isThrownBy(() -> LocalLakebaseMain.Options.parse("--client-secret="))
			.withMessage("--client-secret needs a value.");
	}

	private static Properties load(String text) throws IOException {
		Properties properties = new Properties();
		properties.load(new StringReader(text));
		return properties;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
