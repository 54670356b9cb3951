package io.lakebase.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A local Lakebase: a mock Databricks workspace API, a PostgreSQL login front that accepts
 * short-lived database credentials, and the embedded PostgreSQL server behind it, on loopback
 * addresses and free ports. Start one with {@link #start()} or {@link #builder()}, and
 * {@link #close()} it to stop every process and remove every file it made.
 * <p>
 * Every compute has a host of its own, as on Lakebase: the login front listens on one port of
 * several loopback addresses (see {@link #host(String)}), and all of them reach the one database.
 * Sessions on a read-only host (a read replica's, a high-availability endpoint's
 * {@code read_only_host}, an instance's {@code read_only_dns}) behave like a hot standby: writes
 * fail with {@code 25006}. Endpoints may be in several branches and projects; they still share the
 * one database. With {@link Builder#pooler(boolean)}, each endpoint also has pooled hosts, where
 * the front behaves like Lakebase's connection pooler in transaction mode.
 */
public final class LocalLakebase implements AutoCloseable {

	/** The read-write, high-availability endpoint every default local Lakebase has. */
	public static final String DEFAULT_ENDPOINT = "projects/local/branches/main/endpoints/primary";

	/** The read replica (a read-only endpoint) every default local Lakebase has. */
	public static final String DEFAULT_READ_ONLY_ENDPOINT = "projects/local/branches/main/endpoints/replica";

	/** The Provisioned instance every default local Lakebase has. */
	public static final String DEFAULT_INSTANCE = "local-instance";

	/** The client id of the default service principal. */
	public static final String DEFAULT_CLIENT_ID = "5b4f8e0c-1d2a-4c3b-9e8f-7a6b5c4d3e2f";

	/** The database every Lakebase has. */
	public static final String DEFAULT_DATABASE = "databricks_postgres";

	/** The PostgreSQL image of {@link Builder#postgresContainer()}: the major Lakebase runs. */
	public static final String DEFAULT_POSTGRES_IMAGE = "postgres:17";

	/**
	 * The setting every session has, naming the host its client dialled:
	 * {@code SELECT current_setting('lakebase_local.host')} tells which compute serves it.
	 */
	public static final String HOST_SETTING = "lakebase_local.host";

	private static final String HOST = Hosts.PRIMARY;

	private static final Logger logger = LoggerFactory.getLogger(LocalLakebase.class);

	// The lifetime of the workspace's OAuth access tokens, as on Databricks.
	private static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path workDirectory;

	private final Workspace workspace;

	private final Stats stats = new Stats();

	private final Hosts hosts;

	private final Faults faults;

	private final DatabaseServer backend;

	private final TlsMaterial tls;

	private final LoginFront front;

	private final BranchComputes branchComputes;

	private final WorkspaceApiServer api;

	private final String database;

	private final Thread shutdownHook;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private LocalLakebase(Builder builder) throws IOException {
		this.workDirectory = createWorkDirectory();
		this.database = builder.database;
		this.hosts = Hosts.assign(builder.endpoints(), builder.instances(), builder.pooler, builder.bindable);
		this.hosts.sharingWarning().ifPresent(logger::warn);
		LoginFront[] frontHolder = new LoginFront[1];
		DatabaseServer[] backendHolder = new DatabaseServer[1];
		BranchComputes[] computesHolder = new BranchComputes[1];
		this.faults = new Faults(() -> frontHolder[0].suspend(), () -> {
			frontHolder[0].closeSessions();
			backendHolder[0].restart();
		}, (host) -> frontHolder[0].closeSessions(host), this.hosts::serves);
		try {
			this.workspace = new Workspace(builder.identities(), builder.branches(), builder.endpoints(),
					builder.instances(), builder.tokenLifetime, ACCESS_TOKEN_LIFETIME, "http://" + HOST,
					Clock.systemUTC());
			if (builder.federationIssuer != null) {
				this.workspace.trustFederatedIssuer(builder.federationIssuer, builder.federationAudience);
			}
			this.backend = (builder.postgresImage != null)
					? new ContainerPostgresServer(builder.postgresImage, this.database, randomHex(24), randomHex(24))
					: new PostgresBackend(this.workDirectory, this.database, randomHex(24), randomHex(24),
							new HashSet<>(List.of(builder.port, builder.workspacePort)));
			backendHolder[0] = this.backend;
			for (Identity identity : this.workspace.identities()) {
				if (identity.postgresRole()) {
					this.backend.createRole(identity.name());
				}
			}
			this.tls = TlsMaterial.generate(this.workDirectory, this.hosts.addresses(), builder.certificateAuthority);
			this.front = new LoginFront(this.workspace, this.faults, this.stats, this.backend, this.tls.sslContext(),
					this.hosts, builder.plaintextAllowed, builder.resumeDelay, builder.port);
			frontHolder[0] = this.front;
			this.branchComputes = new BranchComputes(this.workspace, this.backend, this.workDirectory.resolve("branches"),
					new HashSet<>(List.of(builder.port, builder.workspacePort, this.front.port())), this.tls, this.front,
					this.hosts);
			computesHolder[0] = this.branchComputes;
			this.api = new WorkspaceApiServer(this.workspace, this.faults, this.stats, this.hosts, this.branchComputes,
					this.front::isSuspended, builder.workspacePort);
		}
		catch (IOException | RuntimeException | Error ex) {
			closeQuietly(computesHolder[0]);
			closeQuietly(frontHolder[0]);
			closeQuietly(backendHolder[0]);
			deleteRecursively(this.workDirectory);
			throw ex;
		}
		// One hook of our own, so that a JVM stopped without close() stops the parts in order
		// (the server before its files are removed).
		this.shutdownHook = new Thread(this::stop, "lakebase-local-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts a local Lakebase with the defaults: a read-write, high-availability endpoint
	 * ({@value #DEFAULT_ENDPOINT}) with a read-only host, a read replica
	 * ({@value #DEFAULT_READ_ONLY_ENDPOINT}), one instance ({@value #DEFAULT_INSTANCE}) with a
	 * {@code read_only_dns}, one service principal ({@value #DEFAULT_CLIENT_ID}) with a Postgres
	 * role, and one-hour credentials.
	 * @return the running local Lakebase
	 */
	public static LocalLakebase start() {
		return builder().start();
	}

	/**
	 * Starts configuring a local Lakebase.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the base URL of the mock workspace API, the {@code DATABRICKS_HOST} of clients.
	 * @return the URL, such as {@code http://127.0.0.1:43210}
	 */
	public String workspaceUrl() {
		return this.api.url();
	}

	/**
	 * Returns the host of the first compute (the first endpoint, or the first instance when there
	 * is no endpoint), as the endpoint and instance APIs report it.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Returns the host of a compute, as the endpoint ({@code status.hosts.host}) and instance
	 * ({@code read_write_dns}) APIs report it: the read-write host, or a read replica's own
	 * read-only host. Hosts are loopback addresses on the one {@link #port()}, given in builder
	 * order:
	 * <ul>
	 * <li>the first endpoint gets {@code 127.0.0.1}, each further endpoint the next address
	 * ({@code 127.0.0.2}, {@code 127.0.0.3}, ...);</li>
	 * <li>the first instance shares {@code 127.0.0.1} when there is no endpoint or the first
	 * endpoint is read-write (all computes reach one database anyway); otherwise, and for every
	 * further instance, an instance gets the next address;</li>
	 * <li>then the read-only hosts of {@link #readOnlyHost(String)} get the next addresses;</li>
	 * <li>last, with {@link Builder#pooler(boolean)}, the pooled hosts: each endpoint's
	 * {@link #pooledHost(String)}, followed by its {@link #readOnlyPooledHost(String)} if it has
	 * one.</li>
	 * </ul>
	 * Where an address cannot be bound (macOS has only {@code 127.0.0.1} unless aliased with
	 * {@code sudo ifconfig lo0 alias 127.0.0.2}), its compute gets {@code 127.0.0.1} instead, with
	 * one warning in the log, and behaves like the compute there (a read-only host then accepts
	 * writes).
	 * @param endpointOrInstanceName the endpoint or instance name
	 * @return the address, such as {@code 127.0.0.2}
	 * @throws IllegalArgumentException if there is no such endpoint or instance
	 */
	public String host(String endpointOrInstanceName) {
		String host = this.hosts.host(endpointOrInstanceName);
		if (host == null) {
			throw new IllegalArgumentException("No endpoint or instance named '" + endpointOrInstanceName + "'");
		}
		return host;
	}

	/**
	 * Returns the read-only host of a high-availability endpoint ({@code status.hosts.read_only_host})
	 * or of an instance ({@code read_only_dns}). Sessions there behave like a hot standby: they
	 * start with {@code default_transaction_read_only=on}, so writes fail with {@code 25006}, and
	 * they see the primary's data at once (unlike a real standby, a session could still
	 * {@code SET default_transaction_read_only = off}).
	 * @param endpointOrInstanceName the endpoint or instance name
	 * @return the address, or empty for an endpoint without high availability (a read replica's
	 * host is its {@link #host(String)})
	 * @throws IllegalArgumentException if there is no such endpoint or instance
	 */
	public Optional<String> readOnlyHost(String endpointOrInstanceName) {
		host(endpointOrInstanceName);
		return this.hosts.readOnlyHost(endpointOrInstanceName);
	}

	/**
	 * Returns the pooled host of an endpoint's host, as the endpoint API reports it: a read-write
	 * endpoint's {@code status.hosts.read_write_pooled_host}, or a read replica's
	 * {@code read_only_pooled_host}. It reaches the endpoint's database through the emulated pooler,
	 * which like PgBouncer in transaction mode keeps no prepared statement: a Parse that names one
	 * (PgJDBC's server-side prepared statements, after {@code prepareThreshold} executions) fails
	 * with {@code 26000}, so clients must use {@code prepareThreshold=0}. Pooled hosts are the
	 * loopback addresses after all others (see {@link #host(String)}); where one cannot be bound,
	 * it is {@code 127.0.0.1}, with no pooler behaviour.
	 * @param endpointName the endpoint name
	 * @return the address, or empty without {@link Builder#pooler(boolean)} (the API then reports
	 * a name that never resolves)
	 * @throws IllegalArgumentException if there is no such endpoint
	 */
	public Optional<String> pooledHost(String endpointName) {
		requireEndpoint(endpointName);
		return this.hosts.pooledHost(endpointName);
	}

	/**
	 * Returns the pooled host of a high-availability endpoint's read-only host, as the endpoint API
	 * reports it ({@code status.hosts.read_only_pooled_host}): read-only and pooled, as
	 * {@link #readOnlyHost(String)} and {@link #pooledHost(String)} describe.
	 * @param endpointName the endpoint name
	 * @return the address, or empty without {@link Builder#pooler(boolean)} or for an endpoint
	 * without high availability
	 * @throws IllegalArgumentException if there is no such endpoint
	 */
	public Optional<String> readOnlyPooledHost(String endpointName) {
		requireEndpoint(endpointName);
		return this.hosts.readOnlyPooledHost(endpointName);
	}

	private void requireEndpoint(String name) {
		if (this.workspace.endpoint(name) == null) {
			throw new IllegalArgumentException("No endpoint named '" + name + "'");
		}
	}

	/**
	 * Returns the port of the login front (Lakebase itself uses 5432).
	 * @return the port
	 */
	public int port() {
		return this.front.port();
	}

	// The PostgreSQL server's own port, for tests that try to get past the front.
	int databasePort() {
		return this.backend.port();
	}

	/**
	 * Returns the database name.
	 * @return {@value #DEFAULT_DATABASE} unless configured otherwise
	 */
	public String database() {
		return this.database;
	}

	/**
	 * Returns the file holding the PEM certificate of the CA that signed the front's certificate,
	 * for {@code sslmode=verify-full} with {@code sslrootcert}.
	 * @return the CA certificate file
	 */
	public Path caCertificate() {
		return this.tls.caCertificateFile();
	}

	// For tests in this package, to put the branches in states the API passes through only briefly.
	Workspace workspace() {
		return this.workspace;
	}

	BranchComputes branchComputes() {
		return this.branchComputes;
	}

	/**
	 * Returns a JDBC URL for the login front that verifies its certificate against the
	 * {@link #caCertificate() CA file} ({@code sslmode=verify-full}).
	 * @return the JDBC URL
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + HOST + ":" + port() + "/" + this.database + "?sslmode=verify-full&sslrootcert="
				+ URLEncoder.encode(caCertificate().toString(), StandardCharsets.UTF_8);
	}

	/**
	 * Returns the first service principal, or the first identity when there is none.
	 * @return the default identity
	 */
	public Identity defaultIdentity() {
		List<Identity> identities = this.workspace.identities();
		return identities.stream()
			.filter(Identity::isServicePrincipal)
			.findFirst()
			.orElseGet(() -> identities.get(0));
	}

	/**
	 * Returns an identity by its client id or email.
	 * @param name the client id or email
	 * @return the identity
	 */
	public Identity identity(String name) {
		Identity identity = this.workspace.identity(name);
		if (identity == null) {
			throw new IllegalArgumentException("No identity named '" + name + "'");
		}
		return identity;
	}

	/**
	 * Returns the branches of the emulated workspace: those of the endpoints and those added by
	 * {@link Builder#branch(String)}, in builder order. The first branch of each project is its
	 * default branch.
	 * @return the branch names, {@code projects/<p>/branches/<b>}
	 */
	public List<String> branches() {
		return this.workspace.branches();
	}

	/**
	 * Returns the endpoints of the emulated workspace.
	 * @return the endpoints
	 */
	public List<Endpoint> endpoints() {
		return this.workspace.endpoints();
	}

	/**
	 * Returns the instances of the emulated workspace.
	 * @return the instances
	 */
	public List<Instance> instances() {
		return this.workspace.instances();
	}

	/**
	 * Returns the fault injection switches.
	 * @return the faults
	 */
	public Faults faults() {
		return this.faults;
	}

	/**
	 * Returns what the local Lakebase has seen.
	 * @return the stats
	 */
	public Stats stats() {
		return this.stats;
	}

	/**
	 * Issues a database credential directly, without going through the API (for tests of the
	 * front itself).
	 * @param identity the identity to issue the credential to
	 * @param lifetime how long it is valid
	 * @return the credential
	 */
	public DatabaseToken issueToken(Identity identity, Duration lifetime) {
		DatabaseToken token = this.workspace.databaseTokens().issue(identity, "direct", lifetime);
		this.stats.recordTokenIssued();
		return token;
	}

	/**
	 * Issues an OAuth access token to an identity, as the workspace does when a user signs in (the
	 * token Databricks Apps forwards as {@code X-Forwarded-Access-Token}): a JWT with the identity
	 * as subject and its expiry, accepted by the workspace API until then.
	 * @param identity the identity, usually a user
	 * @param lifetime how long the token is valid
	 * @return the token
	 */
	public String issueAccessToken(Identity identity, Duration lifetime) {
		return this.workspace.issueAccessToken(identity, lifetime).value();
	}

	/**
	 * Revokes every OAuth access token issued to an identity: the API answers 401 to them.
	 * @param identityName the client id or email
	 * @return how many tokens were revoked
	 */
	public int revokeAccessTokens(String identityName) {
		return this.workspace.revokeAccessTokens(identityName);
	}

	/**
	 * Revokes every database credential issued so far to an identity: the next login with any of
	 * them is refused with {@code 28P01}; open connections stay.
	 * @param identityName the client id or email
	 * @return how many credentials were revoked
	 */
	public int revokeTokens(String identityName) {
		return this.workspace.databaseTokens().revokeAll(identityName);
	}

	/**
	 * Returns whether the compute is suspended (scaled to zero).
	 * @return whether the next login pays the resume delay
	 */
	public boolean isSuspended() {
		return this.front.isSuspended();
	}

	/**
	 * Returns a profile of a Databricks configuration file ({@code ~/.databrickscfg}) that reaches
	 * this local Lakebase's workspace as the default identity: for tools that read one, such as the
	 * JDBC authentication plugin ({@code databricksConfigFile}, {@code databricksProfile}), which
	 * takes no secret from a URL.
	 * @param name the profile's name
	 * @return the profile's text: its section, host, client id and client secret
	 */
	public String databricksProfile(String name) {
		Identity identity = defaultIdentity();
		return "[" + name + "]\nhost = " + workspaceUrl() + "\nclient_id = " + identity.name() + "\nclient_secret = "
				+ identity.secret() + "\n";
	}

	/**
	 * Returns the {@code lakebase.*} properties a Spring Boot application using the starter needs
	 * to reach this local Lakebase as the default identity, on the first endpoint (or the first
	 * instance when there is no endpoint).
	 * @return the properties, in a stable order
	 */
	public Map<String, String> springProperties() {
		return springProperties(defaultIdentity());
	}

	/**
	 * Returns the {@code lakebase.*} properties that reach this local Lakebase as an identity,
	 * verifying the login front's certificate (the starter's default {@code verify-full}) against
	 * the {@link #caCertificate() CA file} ({@code lakebase.ssl.root-cert}).
	 * @param identity the identity to authenticate as
	 * @return the properties, in a stable order
	 */
	public Map<String, String> springProperties(Identity identity) {
		Map<String, String> properties = new LinkedHashMap<>();
		List<Endpoint> endpoints = endpoints();
		if (!endpoints.isEmpty()) {
			properties.put("lakebase.endpoint", endpoints.get(0).name());
		}
		else {
			properties.put("lakebase.instance", instances().get(0).name());
		}
		properties.put("lakebase.port", Integer.toString(port()));
		properties.put("lakebase.database", this.database);
		properties.put("lakebase.ssl.root-cert", caCertificate().toString());
		properties.put("lakebase.workspace.host", workspaceUrl());
		if (identity.isServicePrincipal()) {
			properties.put("lakebase.workspace.client-id", identity.name());
			properties.put("lakebase.workspace.client-secret", identity.secret());
		}
		else {
			properties.put("lakebase.workspace.token", identity.secret());
		}
		return properties;
	}

	/**
	 * Returns the {@code lakebase.*} properties that send read-only work to a read-only host, to
	 * add to the {@link #springProperties()}: {@code lakebase.read-only.endpoint} naming the first
	 * read replica when there is one, else {@code lakebase.read-only.enabled=true} when the first
	 * endpoint (or instance) has a {@link #readOnlyHost(String) read-only host}.
	 * @return the properties, empty when there is no read-only host to use
	 */
	public Map<String, String> readOnlySpringProperties() {
		Optional<Endpoint> replica = endpoints().stream().filter(Endpoint::readOnly).findFirst();
		if (replica.isPresent()) {
			return Map.of("lakebase.read-only.endpoint", replica.get().name());
		}
		return this.hosts.readOnlyHost(firstCompute()).isPresent() ? Map.of("lakebase.read-only.enabled", "true")
				: Map.of();
	}

	// The compute springProperties() reaches.
	String firstCompute() {
		List<Endpoint> endpoints = endpoints();
		return endpoints.isEmpty() ? instances().get(0).name() : endpoints.get(0).name();
	}

	/**
	 * Adds the {@link #springProperties()} to a Spring test's {@code @DynamicPropertySource}.
	 * @param registry the registry to add to
	 */
	public void registerProperties(DynamicPropertyRegistry registry) {
		springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	/**
	 * Stops the login front, the API and the PostgreSQL server, and removes every file made.
	 */
	@Override
	public void close() {
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: the hook is running or about to.
		}
		stop();
	}

	private void stop() {
		if (this.stopped.getAndSet(true)) {
			return;
		}
		closeQuietly(this.api);
		closeQuietly(this.branchComputes);
		closeQuietly(this.front);
		closeQuietly(this.backend);
		deleteRecursively(this.workDirectory);
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// Best effort: keep stopping the other parts.
			}
		}
	}

	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// Best effort: a leftover temporary file must not fail a test run.
		}
	}

	private static Path createWorkDirectory() throws IOException {
		Path directory = Files.createTempDirectory("lakebase-local-");
		try {
			// zonky runs initdb in a user namespace when the JVM runs as root: the data directory's
			// parent must be readable by that unprivileged user.
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system (Windows): nothing to widen.
		}
		return directory;
	}

	static String randomHex(int bytes) {
		byte[] random = new byte[bytes];
		RANDOM.nextBytes(random);
		return HexFormat.of().formatHex(random);
	}

	/**
	 * Configures a {@link LocalLakebase}. Without any identity, endpoint or instance the defaults of
	 * {@link LocalLakebase#start()} apply.
	 */
	public static final class Builder {

		private final List<Identity> identities = new ArrayList<>();

		private final List<Endpoint> endpoints = new ArrayList<>();

		// Those of the endpoints and the declared ones, interleaved in builder order.
		private final Set<String> branches = new LinkedHashSet<>();

		private final List<Instance> instances = new ArrayList<>();

		private Duration tokenLifetime = Duration.ofHours(1);

		private @Nullable String federationIssuer;

		private @Nullable String federationAudience;

		private String database = DEFAULT_DATABASE;

		private boolean plaintextAllowed = true;

		private boolean pooler;

		private Duration resumeDelay = Duration.ofMillis(500);

		private @Nullable String postgresImage;

		private int port;

		private int workspacePort;

		private Predicate<String> bindable = LoginFront::canBind;

		private @Nullable Path certificateAuthority;

		private Builder() {
		}

		// For tests of a machine with fewer loopback addresses (macOS) than computes.
		Builder bindableAddresses(Predicate<String> bindable) {
			this.bindable = Objects.requireNonNull(bindable, "bindable");
			return this;
		}

		/**
		 * Sets the port of the login front on {@code 127.0.0.1} and on the other loopback address
		 * of every compute (default: a port free on all of them).
		 * @param port the port, or {@code 0} for a free one
		 * @return this
		 */
		public Builder port(int port) {
			this.port = requirePort(port);
			return this;
		}

		/**
		 * Sets the port of the workspace API on {@code 127.0.0.1} (default: a free port).
		 * @param port the port, or {@code 0} for a free one
		 * @return this
		 */
		public Builder workspacePort(int port) {
			this.workspacePort = requirePort(port);
			return this;
		}

		/**
		 * Keeps the certificate authority that signs the front's certificate in a directory
		 * ({@code lakebase-local-ca.pem}, and its key in {@code lakebase-local-ca-key.pem}, readable by
		 * the owner only): made there on the first start, reused by every later start, so that a CA
		 * trusted once (a {@code lakebase.ssl.root-cert} setting, a trust store) stays valid across
		 * restarts. Without it, each start makes a CA of its own.
		 * @param directory the directory
		 * @return this
		 */
		public Builder certificateAuthority(Path directory) {
			this.certificateAuthority = Objects.requireNonNull(directory, "directory");
			return this;
		}

		/**
		 * Runs the PostgreSQL server behind the front in a Testcontainers container of the
		 * {@value LocalLakebase#DEFAULT_POSTGRES_IMAGE} image instead of the embedded one. Needs
		 * Docker and Testcontainers on the class path.
		 * @return this
		 */
		public Builder postgresContainer() {
			return postgresContainer(DEFAULT_POSTGRES_IMAGE);
		}

		/**
		 * Runs the PostgreSQL server behind the front in a Testcontainers container of an image.
		 * Needs Docker and Testcontainers on the class path.
		 * @param image the image, such as {@code postgres:17}
		 * @return this
		 */
		public Builder postgresContainer(String image) {
			this.postgresImage = Objects.requireNonNull(image, "image");
			return this;
		}

		/**
		 * Adds an identity (service principal or user).
		 * @param identity the identity
		 * @return this
		 */
		public Builder identity(Identity identity) {
			this.identities.add(Objects.requireNonNull(identity, "identity"));
			return this;
		}

		/**
		 * Adds an Autoscaling endpoint. The first one gets the host {@code 127.0.0.1}, each
		 * further one a loopback address of its own (see {@link LocalLakebase#host(String)}).
		 * @param endpoint the endpoint
		 * @return this
		 */
		public Builder endpoint(Endpoint endpoint) {
			this.endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
			this.branches.add(endpoint.parent());
			return this;
		}

		/**
		 * Adds a read-write Autoscaling endpoint by name.
		 * @param name {@code projects/<p>/branches/<b>/endpoints/<e>}
		 * @return this
		 */
		public Builder endpoint(String name) {
			return endpoint(Endpoint.of(name));
		}

		/**
		 * Adds an Autoscaling branch without any endpoint, as a branch whose computes were deleted:
		 * the API lists it ({@code GET .../branches}) and lists no endpoint in it. A branch with an
		 * endpoint needs no declaring; a project exists when a branch of it does.
		 * @param name {@code projects/<p>/branches/<b>}
		 * @return this
		 */
		public Builder branch(String name) {
			if (name == null || !Endpoint.BRANCH_NAME.matcher(name).matches()) {
				throw new IllegalArgumentException(
						"Branch name must look like projects/<p>/branches/<b>, got '" + name + "'");
			}
			this.branches.add(name);
			return this;
		}

		/**
		 * Adds a Provisioned instance, with a {@code read_only_dns} of its own (see
		 * {@link LocalLakebase#host(String)}).
		 * @param instance the instance
		 * @return this
		 */
		public Builder instance(Instance instance) {
			this.instances.add(Objects.requireNonNull(instance, "instance"));
			return this;
		}

		/**
		 * Adds a running Provisioned instance by name.
		 * @param name the instance name
		 * @return this
		 */
		public Builder instance(String name) {
			return instance(Instance.of(name));
		}

		/**
		 * Adds an account-wide token federation policy: the token endpoint exchanges a JWT of this
		 * issuer for this audience, not expired, for a workspace token of the identity its
		 * {@code sub} claim names (a user's email), as Databricks OAuth token federation does.
		 * The emulator checks the claims, not the signature: the issuer's keys are not known here.
		 * @param issuer the {@code iss} claim to accept
		 * @param audience the {@code aud} claim to accept
		 * @return this
		 */
		public Builder tokenFederation(String issuer, String audience) {
			this.federationIssuer = Objects.requireNonNull(issuer, "issuer");
			this.federationAudience = Objects.requireNonNull(audience, "audience");
			return this;
		}

		/**
		 * Sets the longest lifetime of a database credential (default one hour). A shorter
		 * requested {@code ttl} is honoured; a longer one is cut to this.
		 * @param lifetime the lifetime, seconds allowed for tests
		 * @return this
		 */
		public Builder tokenLifetime(Duration lifetime) {
			this.tokenLifetime = requirePositive(lifetime);
			return this;
		}

		/**
		 * Sets the database name (default {@value LocalLakebase#DEFAULT_DATABASE}).
		 * @param database the database name
		 * @return this
		 */
		public Builder database(String database) {
			this.database = Objects.requireNonNull(database, "database");
			return this;
		}

		/**
		 * Sets whether connections without TLS are accepted (default {@code true}; Lakebase itself
		 * refuses them).
		 * @param allowed whether plaintext connections are accepted
		 * @return this
		 */
		public Builder plaintextConnections(boolean allowed) {
			this.plaintextAllowed = allowed;
			return this;
		}

		/**
		 * Sets whether Lakebase's built-in connection pooler is emulated (default {@code false}).
		 * With it, every endpoint gets a pooled host of its own ({@link LocalLakebase#pooledHost(String)},
		 * and a high-availability endpoint one for its read-only host too), reported by the endpoint
		 * API; logins there take the same credentials, and sessions reach the same database but keep
		 * no prepared statement, as PgBouncer in transaction mode. Without it, the API reports the
		 * pooled hosts as a name that never resolves.
		 * @param enabled whether to emulate the pooler
		 * @return this
		 */
		public Builder pooler(boolean enabled) {
			this.pooler = enabled;
			return this;
		}

		/**
		 * Sets how long the first login after a suspend waits for the compute (default 500 ms).
		 * @param delay the resume delay
		 * @return this
		 */
		public Builder resumeDelay(Duration delay) {
			Objects.requireNonNull(delay, "delay");
			this.resumeDelay = delay;
			return this;
		}

		/**
		 * Starts the local Lakebase.
		 * @return the running local Lakebase
		 */
		public LocalLakebase start() {
			try {
				return new LocalLakebase(this);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start the local Lakebase", ex);
			}
		}

		List<Identity> identities() {
			return this.identities.isEmpty()
					? List.of(Identity.servicePrincipal(DEFAULT_CLIENT_ID, "local-secret-" + randomHex(16)))
					: this.identities;
		}

		List<Endpoint> endpoints() {
			return usesDefaultComputes() ? List.of(Endpoint.of(DEFAULT_ENDPOINT).asHighAvailability(),
					Endpoint.of(DEFAULT_READ_ONLY_ENDPOINT).asReadOnly()) : this.endpoints;
		}

		List<Instance> instances() {
			return usesDefaultComputes() ? List.of(Instance.of(DEFAULT_INSTANCE)) : this.instances;
		}

		List<String> branches() {
			Set<String> branches = new LinkedHashSet<>();
			if (usesDefaultComputes()) {
				endpoints().forEach((endpoint) -> branches.add(endpoint.parent()));
			}
			branches.addAll(this.branches);
			return List.copyOf(branches);
		}

		// A branch alone does not replace the default computes: it has none.
		private boolean usesDefaultComputes() {
			return this.endpoints.isEmpty() && this.instances.isEmpty();
		}

		private static int requirePort(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
			}
			return port;
		}

		private static Duration requirePositive(Duration duration) {
			Objects.requireNonNull(duration, "duration");
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("duration must be positive");
			}
			return duration;
		}

	}

}
