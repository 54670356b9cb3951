package io.lakebase.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Opens physical connections to Lakebase: resolves the connection (discovery, on first use), logs
 * in with the cached credential and, when Postgres refuses it (a revoked credential, say), once
 * more with a replacement. Every attempt's outcome goes to the connector, for health. Meant to sit
 * under a pool: each call is one TLS login.
 */
final class LoginDataSource implements DataSource {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(LoginDataSource.class);

	private static final String INVALID_PASSWORD = "28P01";

	private final Driver driver = new org.postgresql.Driver();

	private final LakebaseConnector connector;

	private final Properties driverProperties;

	private volatile int loginTimeoutSeconds;

	LoginDataSource(LakebaseConnector connector, Properties driverProperties) {
		this.connector = connector;
		// Kept, not copied: a pool's properties may still be bound after the pool is built.
		this.driverProperties = driverProperties;
	}

	@Override
	public Connection getConnection() throws SQLException {
		LakebaseConnectionInfo connection;
		LakebaseCredential credential;
		try {
			connection = this.connector.resolve();
			credential = this.connector.credentials().get();
		}
		catch (RuntimeException ex) {
			// A DataSource reports failures as SQLExceptions: a pool then attaches it to its timeout.
			throw failed(new SQLException(ex.getMessage(), "08001", ex));
		}
		try {
			return succeeded(login(connection, credential));
		}
		catch (SQLException ex) {
			if (!INVALID_PASSWORD.equals(ex.getSQLState())) {
				throw failed(ex);
			}
			Optional<LakebaseCredential> replacement;
			try {
				replacement = this.connector.credentials().replaceRefused(credential);
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
				return succeeded(login(connection, replacement.get()));
			}
			catch (SQLException retry) {
				retry.addSuppressed(ex);
				throw failed(retry);
			}
		}
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
		Connection opened = this.driver.connect(url, properties);
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
					"Remove them from the pool's data source properties: TLS is set by ssl.mode, ssl.root-cert, "
							+ "ssl.cert and ssl.key alone, so that nothing can weaken the server's verification.");
			// Not a connection-class failure: retrying cannot fix it.
			throw new SQLException(refused.getMessage() + ". " + refused.getAction(), "22023", refused);
		}
	}

	private Connection succeeded(Connection connection) {
		this.connector.loggedIn(null);
		return connection;
	}

	private SQLException failed(SQLException failure) {
		this.connector.loggedIn(failure);
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
		return "LakebaseLoginDataSource[" + this.connector.jdbcUrl() + "]";
	}

}
