package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Opens physical connections to Lakebase, for a pool to sit on: resolves the connection (a lookup,
 * on first use), logs in with the cached credential and, when Postgres refuses it (a revoked
 * credential, say), once more with a replacement. It owns the outcome of its latest login
 * ({@link #lastLogin()}), which health reads; nothing is reported upstream.
 *
 * <pre class="code">
 * LakebaseLoginDataSource logins = new LakebaseLoginDataSource(resolver, credentials);
 * HikariConfig pool = new HikariConfig();
 * pool.setDataSource(logins);
 * </pre>
 *
 * @since 0.1.0
 */
public final class LakebaseLoginDataSource implements DataSource, LakebaseLogins {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(LakebaseLoginDataSource.class);

	private static final String INVALID_PASSWORD = "28P01";

	private static final Driver DRIVER = new org.postgresql.Driver();

	private final LakebaseResolver resolver;

	private final LakebaseCredentialCache credentials;

	private final Properties driverProperties;

	private final Clock clock;

	private final AtomicReference<@Nullable LakebaseLoginOutcome> lastLogin = new AtomicReference<>();

	private final AtomicBoolean connectedOnce = new AtomicBoolean();

	private volatile int loginTimeoutSeconds;

	// Whether the first connection is told at INFO: not for a user's pool, whose role is a person.
	private final boolean announceFirstConnection;

	/**
	 * Creates a login data source without driver properties.
	 * @param resolver where to connect
	 * @param credentials the credentials to log in with
	 */
	public LakebaseLoginDataSource(LakebaseResolver resolver, LakebaseCredentialCache credentials) {
		this(resolver, credentials, new Properties());
	}

	/**
	 * Creates a login data source that also passes PgJDBC properties (such as
	 * {@code socketTimeout} or {@code ApplicationName}) at each login. The properties are read at
	 * each login, so that a pool's {@code dataSourceProperties} bound later count. Properties that
	 * set TLS ({@link SslMode#tlsProperties}) are refused: TLS comes from the settings alone.
	 * @param resolver where to connect
	 * @param credentials the credentials to log in with
	 * @param driverProperties the properties, kept (not copied)
	 */
	public LakebaseLoginDataSource(LakebaseResolver resolver, LakebaseCredentialCache credentials,
			Properties driverProperties) {
		this(resolver, credentials, driverProperties, Clock.systemUTC());
	}

	LakebaseLoginDataSource(LakebaseResolver resolver, LakebaseCredentialCache credentials, Properties driverProperties,
			Clock clock) {
		this(resolver, credentials, driverProperties, clock, true);
	}

	LakebaseLoginDataSource(LakebaseResolver resolver, LakebaseCredentialCache credentials, Properties driverProperties,
			Clock clock, boolean announceFirstConnection) {
		this.announceFirstConnection = announceFirstConnection;
		this.resolver = Objects.requireNonNull(resolver, "resolver");
		this.credentials = Objects.requireNonNull(credentials, "credentials");
		// Kept, not copied: a pool's properties may still be bound after the pool is built.
		this.driverProperties = Objects.requireNonNull(driverProperties, "driverProperties");
		this.clock = clock;
	}

	/**
	 * Returns a login data source to the same connection with the same credentials, passing
	 * other driver properties, and with an outcome of its own: one per pool.
	 * @param driverProperties the properties, kept (not copied)
	 * @return the login data source
	 */
	public LakebaseLoginDataSource withDriverProperties(Properties driverProperties) {
		return new LakebaseLoginDataSource(this.resolver, this.credentials, driverProperties, this.clock,
				this.announceFirstConnection);
	}

	@Override
	public LakebaseResolver resolver() {
		return this.resolver;
	}

	@Override
	public LakebaseCredentialCache credentials() {
		return this.credentials;
	}

	@Override
	public Optional<LakebaseLoginOutcome> lastLogin() {
		return Optional.ofNullable(this.lastLogin.get());
	}

	@Override
	public void probe(Duration timeout) throws SQLException {
		try (Connection connection = open(timeout)) {
			// Logged in: the outcome is recorded.
		}
	}

	// One login whose lookup and credential waits are bounded by the timeout.
	Connection probeConnection(Duration timeout) throws SQLException {
		return open(timeout);
	}

	@Override
	public Connection getConnection() throws SQLException {
		return open(null);
	}

	/**
	 * Opens a connection as the resolved role, with the cached credential as its password.
	 * @param username ignored: the role is the resolved one
	 * @param password ignored: the password is always the current credential
	 */
	@Override
	public Connection getConnection(@Nullable String username, @Nullable String password) throws SQLException {
		return getConnection();
	}

	// Without a timeout: the lookup's default, and the credential cache's fetch timeout.
	private Connection open(@Nullable Duration timeout) throws SQLException {
		LakebaseConnectionInfo connection;
		LakebaseCredential credential;
		try {
			connection = (timeout != null) ? this.resolver.resolve(timeout) : this.resolver.resolve();
			credential = (timeout != null) ? this.credentials.get(timeout) : this.credentials.get();
		}
		catch (RuntimeException ex) {
			// A DataSource reports failures as SQLExceptions: a pool then attaches it to its timeout.
			throw failed(new SQLException(ex.getMessage(), "08001", ex));
		}
		try {
			return succeeded(login(connection, credential), connection);
		}
		catch (SQLException ex) {
			if (!INVALID_PASSWORD.equals(ex.getSQLState())) {
				throw failed(ex);
			}
			Optional<LakebaseCredential> replacement;
			try {
				replacement = this.credentials.replaceRefused(credential);
			}
			catch (LakebaseCredentialException replacementFailure) {
				ex.addSuppressed(replacementFailure);
				throw failed(ex);
			}
			if (replacement.isEmpty()) {
				throw failed(ex);
			}
			logger.warn("Lakebase refused a database credential (it may have been revoked); retrying once with a "
					+ "new one");
			try {
				return succeeded(login(connection, replacement.get()), connection);
			}
			catch (SQLException retry) {
				retry.addSuppressed(ex);
				throw failed(retry);
			}
		}
	}

	private Connection login(LakebaseConnectionInfo connection, LakebaseCredential credential) throws SQLException {
		Properties properties = new Properties();
		properties.putAll(this.driverProperties);
		refuseTlsOverrides(properties);
		properties.setProperty("user", connection.username());
		properties.setProperty("password", credential.token());
		if (this.loginTimeoutSeconds > 0) {
			properties.setProperty("loginTimeout", Integer.toString(this.loginTimeoutSeconds));
		}
		String url = connection.jdbcUrl();
		Connection opened = this.resolver.observer()
			.observe(LakebaseObserver.Step.LOGIN, this.resolver.target(), () -> DRIVER.connect(url, properties));
		if (opened == null) {
			throw new SQLException("PgJDBC does not accept the URL " + url, "08001");
		}
		return opened;
	}

	/**
	 * Refuses driver properties that would set TLS another way than the settings: PgJDBC takes
	 * {@code sslfactory} or {@code sslhostnameverifier} from them when the URL does not set them,
	 * which could silently turn verification off.
	 */
	private static void refuseTlsOverrides(Properties properties) throws SQLException {
		List<String> tls = SslMode.tlsProperties(properties);
		if (!tls.isEmpty()) {
			LakebaseConfigurationException refused = new LakebaseConfigurationException("ssl.mode", null,
					"The connection properties set TLS themselves (" + String.join(", ", tls) + "), beside the "
							+ "Lakebase TLS settings",
					"Remove them from the pool's data source properties: TLS is set by the SSL mode, root "
							+ "certificate, client certificate and key settings alone, so that nothing can weaken the "
							+ "server's verification.");
			// Not a connection-class failure: retrying cannot fix it.
			throw new SQLException(refused.getMessage() + ". " + refused.getAction(), "22023", refused);
		}
	}

	private Connection succeeded(Connection opened, LakebaseConnectionInfo connection) {
		this.lastLogin.set(new LakebaseLoginOutcome(this.clock.instant(), true, null, null));
		if (this.announceFirstConnection && this.connectedOnce.compareAndSet(false, true)) {
			logger.info("Connected to Lakebase {} {} at {}:{}/{} as {} (credential expires at {})",
					connection.target().flavour().displayName(), connection.target(), connection.host(),
					connection.port(), connection.database(), connection.username(),
					this.credentials.status().expiresAt());
		}
		return opened;
	}

	private SQLException failed(SQLException failure) {
		this.lastLogin.set(new LakebaseLoginOutcome(this.clock.instant(), false, failure.getSQLState(),
				failure.getMessage()));
		return failure;
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeoutSeconds;
	}

	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeoutSeconds = seconds;
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(@Nullable PrintWriter out) {
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		throw new SQLException("Not a wrapper of " + type.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return type.isInstance(this);
	}

	@Override
	public String toString() {
		return "LakebaseLoginDataSource[" + this.resolver.jdbcUrl() + "]";
	}

}
