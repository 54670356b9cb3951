package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * Runs a local Lakebase from the command line and prints how to reach it, for {@code psql} or
 * any application; with {@code --properties-file} it also writes the Spring Boot properties, so
 * that an application's {@code application-local.properties} stays valid from run to run. The
 * read-only settings (the read replica, or the primary's high-availability read-only host) are
 * printed and written as commented-out lines, to uncomment when an application routes
 * {@code @Transactional(readOnly = true)} work to them. Stop it with Ctrl-C.
 */
public final class LocalLakebaseMain {

	static final String USAGE = """
			Usage: mvn -pl lakebase-local compile exec:java [-Dexec.args="OPTIONS"]

			Options:
			  --port=N                 the PostgreSQL port of the login front (default: a free port)
			  --workspace-port=N       the port of the workspace API (default: a free port)
			  --client-secret=SECRET   the service principal's OAuth secret (default: a new one each run)
			  --properties-file=PATH   also write the Spring Boot properties to PATH, and the CA
			                           certificate beside it (lakebase-local-ca.pem); with fixed ports
			                           and secret, the file stays the same from run to run
			  --help                   print this and exit
			""";

	static final String CA_FILE_NAME = "lakebase-local-ca.pem";

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
	 * Describes how to reach a running local Lakebase, writing the properties file if one is given.
	 * @param lakebase the running local Lakebase
	 * @param propertiesFile where to write the Spring Boot properties, if anywhere
	 * @return the text to print
	 * @throws IOException if the properties file cannot be written
	 */
	static String describe(LocalLakebase lakebase, @Nullable Path propertiesFile) throws IOException {
		Identity identity = lakebase.defaultIdentity();
		Path caCertificate = lakebase.caCertificate();
		if (propertiesFile != null) {
			Path directory = propertiesFile.toAbsolutePath().getParent();
			Files.createDirectories(directory);
			caCertificate = Files.copy(lakebase.caCertificate(), directory.resolve(CA_FILE_NAME),
					StandardCopyOption.REPLACE_EXISTING);
		}
		Map<String, String> properties = springProperties(lakebase, caCertificate);
		List<String> readOnlyLines = readOnlyLines(lakebase);
		StringBuilder out = new StringBuilder();
		out.append("Local Lakebase is running. Press Ctrl-C to stop it.\n\n");
		out.append("Spring Boot (application-local.properties, or --name=value arguments):\n");
		properties.forEach((name, value) -> out.append("  ").append(name).append('=').append(value).append('\n'));
		readOnlyLines.forEach((line) -> out.append("  ").append(line).append('\n'));
		if (propertiesFile != null) {
			Files.writeString(propertiesFile, propertiesFileText(properties, readOnlyLines));
			out.append("  (written to ").append(propertiesFile.toAbsolutePath()).append(")\n");
		}
		out.append("\nDatabricks SDK environment:\n");
		out.append("  DATABRICKS_HOST=").append(lakebase.workspaceUrl()).append('\n');
		out.append("  DATABRICKS_CLIENT_ID=").append(identity.name()).append('\n');
		out.append("  DATABRICKS_CLIENT_SECRET=").append(identity.secret()).append('\n');
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
		return readOnly ? host + " (read-only)"
				: lakebase.readOnlyHost(compute).map((readOnlyHost) -> host + " (read-only " + readOnlyHost + ")")
					.orElse(host);
	}

	private static Map<String, String> springProperties(LocalLakebase lakebase, Path caCertificate) {
		Map<String, String> properties = new LinkedHashMap<>(lakebase.springProperties());
		// The front's certificate names every host and chains to the CA: verify it, as against Lakebase.
		properties.put("lakebase.ssl.mode", "verify-full");
		properties.put("lakebase.ssl.root-cert", caCertificate.toAbsolutePath().toString());
		return properties;
	}

	private static String propertiesFileText(Map<String, String> properties, List<String> readOnlyLines) {
		StringBuilder text = new StringBuilder("# Written by lakebase-local (LocalLakebaseMain); valid while it runs.\n");
		properties.forEach((name, value) -> text.append(name).append('=').append(escape(value)).append('\n'));
		readOnlyLines.forEach((line) -> text.append(line).append('\n'));
		return text.toString();
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
					default -> throw new IllegalArgumentException("Unknown option '--" + name + "'.");
				}
			}
			return options;
		}

		LocalLakebase.Builder builder() {
			LocalLakebase.Builder builder = LocalLakebase.builder().port(this.port).workspacePort(this.workspacePort);
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

		private static String nonBlank(String name, String value) {
			if (value.isBlank()) {
				throw new IllegalArgumentException("--" + name + " needs a value.");
			}
			return value;
		}

	}

}
