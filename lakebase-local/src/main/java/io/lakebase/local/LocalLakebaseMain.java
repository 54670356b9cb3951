package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * Runs a local Lakebase from the command line and prints how to reach it, for {@code psql},
 * Spring Boot or plain Java; with {@code --properties-file} it also writes the Spring Boot
 * properties, so that an application's {@code application-local.properties} stays valid from run
 * to run. On a later run only the values of the emulator's own settings are updated in that file:
 * lines the user added, uncommented or changed otherwise are kept, and the CA (kept beside the
 * file with its key) stays the same. The read-only settings (the read replica, or the primary's
 * high-availability read-only host) are written as commented-out lines on the first run, to
 * uncomment when an application routes {@code @Transactional(readOnly = true)} work to them.
 * Stop it with Ctrl-C.
 */
public final class LocalLakebaseMain {

	static final String USAGE = """
			Usage: mvn -pl lakebase-local compile exec:java [-Dexec.args="OPTIONS"]

			Options:
			  --port=N                 the PostgreSQL port of the login front (default: a free port)
			  --workspace-port=N       the port of the workspace API (default: a free port)
			  --client-secret=SECRET   the service principal's OAuth secret (default: a new one each run)
			  --properties-file=PATH   also write the Spring Boot properties to PATH, and keep the CA
			                           beside it (lakebase-local-ca.pem, its key in
			                           lakebase-local-ca-key.pem), the same from run to run; later
			                           runs update only the emulator's own values in PATH and keep
			                           every other line (with fixed ports and secret, nothing changes)
			  --pooler=true            give each endpoint a pooled host, as Lakebase's built-in pooler
			                           (PgBouncer, transaction mode; for lakebase.pooled=true): it
			                           refuses named prepared statements as that mode does
			  --help                   print this and exit
			""";

	static final String CA_FILE_NAME = TlsMaterial.CA_FILE_NAME;

	private static final String HEADER = "# Written by lakebase-local (LocalLakebaseMain). Each start updates the values of "
			+ "its own settings\n# and keeps every other line: add, uncomment or change lines freely.\n";

	private LocalLakebaseMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage() + "\n\n" + USAGE);
			System.exit(2);
			return;
		}
		if (options.help) {
			System.out.print(USAGE);
			return;
		}
		// LocalLakebase stops itself (server, ports, files) when the JVM is stopped with Ctrl-C.
		LocalLakebase lakebase;
		try {
			lakebase = options.builder().start();
		}
		catch (UncheckedIOException ex) {
			// A fixed port in use, most likely: say so, without a stack trace.
			System.err.println(ex.getMessage() + ": " + ex.getCause().getMessage());
			System.exit(1);
			return;
		}
		try {
			System.out.print(describe(lakebase, options.propertiesFile));
		}
		catch (IOException ex) {
			System.err.println("Could not write " + options.propertiesFile + ": " + ex.getMessage());
			lakebase.close();
			System.exit(1);
		}
		new CountDownLatch(1).await();
	}

	/**
	 * Describes how to reach a running local Lakebase: Spring Boot properties, Databricks SDK
	 * environment, plain Java and {@code psql}; also for applications that start one themselves
	 * (a sample's {@code spring-boot:test-run}).
	 * @param lakebase the running local Lakebase
	 * @return the text to print
	 */
	public static String describe(LocalLakebase lakebase) {
		try {
			return describe(lakebase, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Describes how to reach a running local Lakebase, writing the properties file if one is given.
	 * @param lakebase the running local Lakebase
	 * @param propertiesFile where to write the Spring Boot properties, if anywhere
	 * @return the text to print
	 * @throws IOException if the properties file cannot be written
	 */
	static String describe(LocalLakebase lakebase, @Nullable Path propertiesFile) throws IOException {
		Identity identity = lakebase.defaultIdentity();
		Path caCertificate = lakebase.caCertificate().toAbsolutePath();
		Map<String, String> properties = springProperties(lakebase, caCertificate);
		List<String> readOnlyLines = readOnlyLines(lakebase);
		StringBuilder out = new StringBuilder();
		out.append("Local Lakebase is running. Press Ctrl-C to stop it.\n\n");
		out.append("Spring Boot (application-local.properties, or --name=value arguments):\n");
		properties.forEach((name, value) -> out.append("  ").append(name).append('=').append(value).append('\n'));
		readOnlyLines.forEach((line) -> out.append("  ").append(line).append('\n'));
		if (propertiesFile != null) {
			Path directory = propertiesFile.toAbsolutePath().getParent();
			Files.createDirectories(directory);
			String existing = Files.exists(propertiesFile) ? Files.readString(propertiesFile) : null;
			Files.writeString(propertiesFile, propertiesFileText(existing, properties, readOnlyLines));
			out.append("  (written to ").append(propertiesFile.toAbsolutePath()).append(")\n");
		}
		out.append("\nDatabricks SDK environment:\n");
		out.append("  DATABRICKS_HOST=").append(lakebase.workspaceUrl()).append('\n');
		out.append("  DATABRICKS_CLIENT_ID=").append(identity.name()).append('\n');
		out.append("  DATABRICKS_CLIENT_SECRET=").append(identity.secret()).append('\n');
		out.append("\nPlain Java (lakebase-jdbc and HikariCP):\n");
		out.append("  LakebaseDataSource dataSource = LakebaseDataSource.builder()\n");
		out.append("      .endpoint(\"").append(lakebase.firstCompute()).append("\")\n");
		out.append("      .workspace(new DatabricksConfig().setHost(\"").append(lakebase.workspaceUrl())
			.append("\")\n");
		out.append("          .setClientId(\"").append(identity.name()).append("\").setClientSecret(\"")
			.append(identity.secret()).append("\"))\n");
		out.append("      .settings((settings) -> settings.port(").append(lakebase.port()).append(")\n");
		out.append("          .sslRootCert(\"").append(javaString(caCertificate.toString())).append("\"))\n");
		out.append("      .build();\n");
		DatabaseToken token = lakebase.issueToken(identity, Duration.ofHours(1));
		out.append("\npsql (this credential is valid for one hour):\n");
		out.append("  PGHOST=").append(lakebase.host()).append(" PGPORT=").append(lakebase.port())
			.append(" PGDATABASE=").append(lakebase.database()).append(" PGUSER=").append(identity.name())
			.append(" PGSSLMODE=verify-full PGSSLROOTCERT=").append(caCertificate)
			.append(" PGPASSWORD=").append(token.token()).append(" psql\n");
		firstReadReplica(lakebase).ifPresent((replica) -> out.append("  the read replica (writes fail): the same with PGHOST=")
			.append(lakebase.host(replica.name()))
			.append('\n'));
		out.append("\nEndpoints: ").append(lakebase.endpoints().stream().map(Endpoint::name).toList()).append('\n');
		out.append("Instances: ").append(lakebase.instances().stream().map(Instance::name).toList()).append('\n');
		out.append("Hosts (port ").append(lakebase.port()).append("): ").append(hosts(lakebase)).append('\n');
		return out.toString();
	}

	/**
	 * The read-only settings, commented out: with them the starter sends
	 * {@code @Transactional(readOnly = true)} work to a read-only host, which not every
	 * application wants.
	 */
	static List<String> readOnlyLines(LocalLakebase lakebase) {
		List<String> lines = new ArrayList<>();
		Optional<Endpoint> replica = firstReadReplica(lakebase);
		replica.ifPresent((endpoint) -> {
			lines.add("# Uncomment to route @Transactional(readOnly = true) work to the read replica:");
			lines.add("# lakebase.read-only.endpoint=" + endpoint.name());
		});
		if (lakebase.readOnlyHost(lakebase.firstCompute()).isPresent()) {
			lines.add(replica.isPresent() ? "# Or, instead, to the primary's high-availability read-only host:"
					: "# Uncomment to route @Transactional(readOnly = true) work to the primary's high-availability read-only host:");
			lines.add("# lakebase.read-only.enabled=true");
		}
		return lines;
	}

	private static Optional<Endpoint> firstReadReplica(LocalLakebase lakebase) {
		return lakebase.endpoints().stream().filter(Endpoint::readOnly).findFirst();
	}

	private static String hosts(LocalLakebase lakebase) {
		List<String> computes = new ArrayList<>();
		lakebase.endpoints().forEach((endpoint) -> computes.add(host(lakebase, endpoint.name(), endpoint.readOnly())));
		lakebase.instances().forEach((instance) -> computes.add(host(lakebase, instance.name(), false)));
		return String.join(", ", computes);
	}

	private static String host(LocalLakebase lakebase, String compute, boolean readOnly) {
		String host = compute + " " + lakebase.host(compute);
		String described = readOnly ? host + " (read-only)"
				: lakebase.readOnlyHost(compute).map((readOnlyHost) -> host + " (read-only " + readOnlyHost + ")")
					.orElse(host);
		boolean endpoint = lakebase.endpoints().stream().anyMatch((candidate) -> candidate.name().equals(compute));
		return endpoint ? lakebase.pooledHost(compute).map((pooled) -> described + " (pooled " + pooled + ")")
			.orElse(described) : described;
	}

	private static Map<String, String> springProperties(LocalLakebase lakebase, Path caCertificate) {
		Map<String, String> properties = new LinkedHashMap<>(lakebase.springProperties());
		// The front's certificate names every host and chains to the CA: verify it, as against Lakebase.
		properties.put("lakebase.ssl.mode", "verify-full");
		properties.put("lakebase.ssl.root-cert", caCertificate.toAbsolutePath().toString());
		return properties;
	}

	/**
	 * The properties file: on the first run the emulator's settings and the commented-out
	 * read-only ones; on later runs the existing file with the values of the emulator's settings
	 * updated in place (and any missing one added), every other line kept as the user left it.
	 */
	static String propertiesFileText(@Nullable String existing, Map<String, String> properties,
			List<String> readOnlyLines) {
		if (existing == null) {
			StringBuilder text = new StringBuilder(HEADER);
			properties.forEach((name, value) -> text.append(name).append('=').append(escape(value)).append('\n'));
			readOnlyLines.forEach((line) -> text.append(line).append('\n'));
			return text.toString();
		}
		Map<String, String> missing = new LinkedHashMap<>(properties);
		StringBuilder text = new StringBuilder();
		for (String line : existing.split("\n", -1)) {
			String key = propertyKey(line);
			if (key != null && properties.containsKey(key)) {
				text.append(key).append('=').append(escape(properties.get(key)));
				missing.remove(key);
			}
			else {
				text.append(line);
			}
			text.append('\n');
		}
		// split keeps a last empty element for a file ending with a newline: no extra line for it.
		text.setLength(text.length() - 1);
		if (!missing.isEmpty() && text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
			text.append('\n');
		}
		missing.forEach((name, value) -> text.append(name).append('=').append(escape(value)).append('\n'));
		return text.toString();
	}

	// The key of a "key=value" line that is not a comment, else null.
	private static @Nullable String propertyKey(String line) {
		String trimmed = line.strip();
		if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
			return null;
		}
		int separator = trimmed.indexOf('=');
		return (separator > 0) ? trimmed.substring(0, separator).strip() : null;
	}

	private static String javaString(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	// A backslash (in a Windows path) is an escape character in a .properties file.
	private static String escape(String value) {
		return value.replace("\\", "\\\\");
	}

	/**
	 * The command-line options.
	 */
	static final class Options {

		private int port;

		private int workspacePort;

		private @Nullable String clientSecret;

		private @Nullable Path propertiesFile;

		private boolean pooler;

		private boolean help;

		static Options parse(String... args) {
			Options options = new Options();
			for (String arg : args) {
				if (arg.isBlank()) {
					continue;
				}
				if (arg.equals("--help") || arg.equals("-h")) {
					options.help = true;
					continue;
				}
				int equals = arg.indexOf('=');
				if (!arg.startsWith("--") || equals < 0) {
					throw new IllegalArgumentException("Unknown argument '" + arg + "'.");
				}
				String name = arg.substring(2, equals);
				String value = arg.substring(equals + 1);
				switch (name) {
					case "port" -> options.port = port(name, value);
					case "workspace-port" -> options.workspacePort = port(name, value);
					case "client-secret" -> options.clientSecret = nonBlank(name, value);
					case "properties-file" -> options.propertiesFile = Path.of(nonBlank(name, value));
					case "pooler" -> options.pooler = bool(name, value);
					default -> throw new IllegalArgumentException("Unknown option '--" + name + "'.");
				}
			}
			return options;
		}

		LocalLakebase.Builder builder() {
			LocalLakebase.Builder builder = LocalLakebase.builder()
				.port(this.port)
				.workspacePort(this.workspacePort)
				.pooler(this.pooler);
			if (this.propertiesFile != null) {
				// The CA beside the properties file, kept from run to run.
				builder.certificateAuthority(this.propertiesFile.toAbsolutePath().getParent());
			}
			if (this.clientSecret != null) {
				builder.identity(Identity.servicePrincipal(LocalLakebase.DEFAULT_CLIENT_ID, this.clientSecret));
			}
			return builder;
		}

		private static int port(String name, String value) {
			try {
				int port = Integer.parseInt(value);
				if (port >= 1 && port <= 65535) {
					return port;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new IllegalArgumentException("--" + name + " must be a port between 1 and 65535, got '" + value + "'.");
		}

		private static boolean bool(String name, String value) {
			if (!value.equals("true") && !value.equals("false")) {
				throw new IllegalArgumentException("--" + name + " must be true or false, got '" + value + "'.");
			}
			return Boolean.parseBoolean(value);
		}

		private static String nonBlank(String name, String value) {
			if (value.isBlank()) {
				throw new IllegalArgumentException("--" + name + " needs a value.");
			}
			return value;
		}

	}

}
