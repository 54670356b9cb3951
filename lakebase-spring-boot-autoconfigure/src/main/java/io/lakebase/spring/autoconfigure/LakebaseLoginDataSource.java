package io.lakebase.spring.autoconfigure;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.lakebase.spring.autoconfigure.credential.LakebaseCredential;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Opens the physical connections of Boot's Hikari pool: logs in with the cached credential (Hikari
 * asks only for new connections, never on borrow, and the cache answers from memory), and when
 * Postgres rejects it (a revoked credential, say) drops it from the cache, obtains a fresh one and
 * tries once more. A credential rejected right after it was obtained (within a quarter of its
 * lifetime, at most {@link #MAX_FRESH_AGE}) is not retried: a fresh one would fail for the same
 * reason (a missing role, say), and each retry costs an API call.
 */
final class LakebaseLoginDataSource implements DataSource {

	static final Duration MAX_FRESH_AGE = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(LakebaseLoginDataSource.class);

	private static final String INVALID_PASSWORD = "28P01";

	private final Driver driver = new org.postgresql.Driver();

	private final String jdbcUrl;

	private final Properties driverProperties;

	private final LakebaseConnectionDetails details;

	private final LakebaseCredentialCache cache;

	private final Clock clock;

	private volatile int loginTimeoutSeconds;

	LakebaseLoginDataSource(String jdbcUrl, Properties driverProperties, LakebaseConnectionDetails details,
			LakebaseCredentialCache cache, Clock clock) {
		this.jdbcUrl = jdbcUrl;
		this.driverProperties = driverProperties;
		this.details = details;
		this.cache = cache;
		this.clock = clock;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return getConnection(null, null);
	}

	/**
	 * Opens a connection as the given role, with the cached credential as its password.
	 * @param username the role, or {@code null} for the one of the connection details
	 * @param password ignored: the password is always the current credential
	 */
	@Override
	public Connection getConnection(@Nullable String username, @Nullable String password) throws SQLException {
		String role = (username != null) ? username : this.details.getUsername();
		LakebaseCredential credential = credential();
		try {
			return login(role, credential);
		}
		catch (SQLException ex) {
			if (!INVALID_PASSWORD.equals(ex.getSQLState()) || isFresh(credential)) {
				throw ex;
			}
			logger.warn("Lakebase rejected a database credential obtained at " + credential.issuedAt()
					+ " (it may have been revoked); retrying once with a fresh one");
			this.cache.invalidate(credential);
			LakebaseCredential fresh = credential();
			try {
				return login(role, fresh);
			}
			catch (SQLException retry) {
				retry.addSuppressed(ex);
				throw retry;
			}
		}
	}

	// A DataSource reports failures as SQLExceptions: Hikari then attaches it to its timeout report.
	private LakebaseCredential credential() throws SQLException {
		try {
			return this.cache.get();
		}
		catch (LakebaseCredentialException ex) {
			throw new SQLException(ex.getMessage(), "08001", ex);
		}
	}

	private Connection login(String role, LakebaseCredential credential) throws SQLException {
		Properties properties = new Properties();
		properties.putAll(this.driverProperties);
		properties.setProperty("user", role);
		properties.setProperty("password", credential.token());
		if (this.loginTimeoutSeconds > 0) {
			properties.setProperty("loginTimeout", Integer.toString(this.loginTimeoutSeconds));
		}
		Connection connection = this.driver.connect(this.jdbcUrl, properties);
		if (connection == null) {
			throw new SQLException("PgJDBC does not accept the URL " + this.jdbcUrl, "08001");
		}
		return connection;
	}

	private boolean isFresh(LakebaseCredential credential) {
		Duration quarterLife = credential.lifetime().dividedBy(4);
		Duration freshAge = (quarterLife.compareTo(MAX_FRESH_AGE) < 0) ? quarterLife : MAX_FRESH_AGE;
		return Duration.between(credential.issuedAt(), this.clock.instant()).compareTo(freshAge) < 0;
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
		return "LakebaseLoginDataSource[url=" + this.jdbcUrl + ", user=" + this.details.getUsername() + "]";
	}

}
