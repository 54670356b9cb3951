package io.lakebase.jdbc;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Where and how to connect to Lakebase, as configured: the target, and optionally the host and the
 * role, which are otherwise discovered from the workspace. Validated when built, before any
 * network call.
 *
 * @since 0.1.0
 */
public final class LakebaseConnectionSettings {

	/** The port Lakebase listens on. */
	public static final int DEFAULT_PORT = 5432;

	/** The database every Lakebase project and instance has. */
	public static final String DEFAULT_DATABASE = "databricks_postgres";

	/** The SSL mode unless one is set: the server's certificate and host name are verified. */
	public static final SslMode DEFAULT_SSL_MODE = SslMode.VERIFY_FULL;

	// An unquoted PostgreSQL identifier (folded to lower case), at most 63 bytes.
	private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	private final LakebaseTarget target;

	private final @Nullable String host;

	private final boolean readOnly;

	private final boolean pooled;

	private final int port;

	private final String database;

	private final @Nullable String username;

	private final @Nullable String schema;

	private final SslMode sslMode;

	private final @Nullable String sslRootCert;

	private final @Nullable String sslCert;

	private final @Nullable String sslKey;

	private LakebaseConnectionSettings(Builder builder) {
		this.target = builder.target;
		this.host = builder.host;
		this.readOnly = builder.readOnly;
		this.pooled = builder.pooled;
		this.port = builder.port;
		this.database = builder.database;
		this.username = builder.username;
		this.schema = builder.schema;
		this.sslMode = builder.sslMode;
		this.sslRootCert = builder.sslRootCert;
		this.sslCert = builder.sslCert;
		this.sslKey = builder.sslKey;
	}

	/**
	 * Starts settings for a target.
	 * @param target the endpoint or instance
	 * @return a builder
	 */
	public static Builder builder(LakebaseTarget target) {
		return new Builder(target);
	}

	/**
	 * Returns the endpoint or instance.
	 * @return the target
	 */
	public LakebaseTarget target() {
		return this.target;
	}

	/**
	 * Returns these settings for the endpoint a branch target was found to be, all else the same.
	 * @param endpoint the endpoint
	 * @return the settings
	 */
	LakebaseConnectionSettings withTarget(LakebaseTarget endpoint) {
		return builder(endpoint).optionsFrom(this).host(this.host).readOnly(this.readOnly).build();
	}

	/**
	 * Returns the configured host.
	 * @return the host, or {@code null} to look it up from the target
	 */
	public @Nullable String host() {
		return this.host;
	}

	/**
	 * Tells whether to connect to the target's read-only host rather than its read-write host:
	 * a read replica endpoint's own host, a high-availability endpoint's {@code read_only_host},
	 * or an instance's {@code read_only_dns}.
	 * @return whether the connection is to a read-only host
	 */
	public boolean readOnly() {
		return this.readOnly;
	}

	/**
	 * Tells whether to connect through the endpoint's built-in connection pooler (PgBouncer in
	 * transaction mode, its {@code *_pooled_host}) rather than to the compute itself; connections
	 * then use no server-side prepared statements ({@code prepareThreshold=0}), which a
	 * transaction-mode pooler cannot keep.
	 * @return whether the connection goes through the pooler
	 */
	public boolean pooled() {
		return this.pooled;
	}

	/**
	 * Returns the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the database name.
	 * @return the database
	 */
	public String database() {
		return this.database;
	}

	/**
	 * Returns the configured Postgres role.
	 * @return the role, or {@code null} to use the authenticated identity's
	 */
	public @Nullable String username() {
		return this.username;
	}

	/**
	 * Returns the schema to use by default.
	 * @return the schema (PgJDBC {@code currentSchema}), or {@code null}
	 */
	public @Nullable String schema() {
		return this.schema;
	}

	/**
	 * Returns the schemas of {@link #schema()}, as PostgreSQL names them (folded to lower case).
	 * @return the schema names, empty without a schema
	 */
	public List<String> schemaNames() {
		return (this.schema != null)
				? Arrays.stream(this.schema.split(",")).map((name) -> name.trim().toLowerCase(Locale.ROOT)).toList()
				: List.of();
	}

	/**
	 * Returns the SSL mode, as configured.
	 * @return the mode
	 */
	public SslMode sslMode() {
		return this.sslMode;
	}

	/**
	 * Returns the SSL mode connections use: the configured one, except that {@code require} with
	 * a root certificate verifies the CA ({@code verify-ca}), as libpq does.
	 * @return the mode to connect with
	 */
	public SslMode effectiveSslMode() {
		return this.sslMode.withRootCert(this.sslRootCert);
	}

	/**
	 * Returns the file of trusted certificate authorities.
	 * @return the PEM file path, or {@code null}
	 */
	public @Nullable String sslRootCert() {
		return this.sslRootCert;
	}

	/**
	 * Returns the client certificate file, for mutual TLS.
	 * @return the path, or {@code null}
	 */
	public @Nullable String sslCert() {
		return this.sslCert;
	}

	/**
	 * Returns the private key file of the client certificate.
	 * @return the path, or {@code null}
	 */
	public @Nullable String sslKey() {
		return this.sslKey;
	}

	@Override
	public String toString() {
		return "LakebaseConnectionSettings[" + this.target + ", host=" + this.host + ", readOnly=" + this.readOnly
				+ ", pooled=" + this.pooled + ", port=" + this.port
				+ ", database=" + this.database + ", username=" + this.username + ", sslMode="
				+ effectiveSslMode().jdbcValue() + "]";
	}

	/**
	 * Builds {@link LakebaseConnectionSettings}. Blank values count as unset.
	 */
	public static final class Builder {

		private final LakebaseTarget target;

		private @Nullable String host;

		private boolean readOnly;

		private boolean pooled;

		private int port = DEFAULT_PORT;

		private String database = DEFAULT_DATABASE;

		private @Nullable String username;

		private @Nullable String schema;

		private SslMode sslMode = DEFAULT_SSL_MODE;

		private @Nullable String sslRootCert;

		private @Nullable String sslCert;

		private @Nullable String sslKey;

		private Builder(LakebaseTarget target) {
			this.target = Objects.requireNonNull(target, "target");
		}

		/**
		 * Copies the connection options of other settings: port, database, role, schema and TLS,
		 * not where to connect (target, host, read-only host). For a second connection of the
		 * same application, such as a read replica.
		 * @param other the settings to copy from
		 * @return this
		 */
		public Builder optionsFrom(LakebaseConnectionSettings other) {
			this.pooled = other.pooled;
			this.port = other.port;
			this.database = other.database;
			this.username = other.username;
			this.schema = other.schema;
			this.sslMode = other.sslMode;
			this.sslRootCert = other.sslRootCert;
			this.sslCert = other.sslCert;
			this.sslKey = other.sslKey;
			return this;
		}

		/**
		 * Sets the host, instead of looking it up from the target: a DNS name or an IP literal,
		 * without port, scheme or anything else.
		 * @param host the host name
		 * @return this
		 */
		public Builder host(@Nullable String host) {
			this.host = trimmed(host);
			return this;
		}

		/**
		 * Connects through the endpoint's built-in connection pooler (its pooled host, looked up
		 * unless a host is set, which is then taken for a pooler's) instead of to the compute
		 * itself, with server-side prepared statements off. Off by
		 * default: Lakebase's documentation of OAuth roles on the pooler has changed between
		 * editions.
		 * @param pooled whether to connect through the pooler
		 * @return this
		 */
		public Builder pooled(boolean pooled) {
			this.pooled = pooled;
			return this;
		}

		/**
		 * Connects to the target's read-only host (a read replica endpoint's host, a
		 * high-availability endpoint's read-only host, an instance's read-only DNS name) instead of
		 * its read-write host, unless a host is set.
		 * @param readOnly whether to connect to the read-only host
		 * @return this
		 */
		public Builder readOnly(boolean readOnly) {
			this.readOnly = readOnly;
			return this;
		}

		/**
		 * Sets the port (default 5432).
		 * @param port the port
		 * @return this
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * Sets the database (default {@value LakebaseConnectionSettings#DEFAULT_DATABASE}).
		 * @param database the database name
		 * @return this
		 */
		public Builder database(@Nullable String database) {
			String trimmed = trimmed(database);
			this.database = (trimmed != null) ? trimmed : DEFAULT_DATABASE;
			return this;
		}

		/**
		 * Sets the Postgres role, instead of the authenticated identity's.
		 * @param username the role
		 * @return this
		 */
		public Builder username(@Nullable String username) {
			this.username = trimmed(username);
			return this;
		}

		/**
		 * Sets the schema to use by default (PgJDBC's {@code currentSchema}, the search path): an
		 * unquoted identifier, or several separated by commas.
		 * @param schema the schema
		 * @return this
		 */
		public Builder schema(@Nullable String schema) {
			this.schema = trimmed(schema);
			return this;
		}

		/**
		 * Sets the SSL mode (default {@code verify-full}, against the root certificate or, without
		 * one, the JVM trust store).
		 * @param sslMode the mode
		 * @return this
		 */
		public Builder sslMode(SslMode sslMode) {
			this.sslMode = Objects.requireNonNull(sslMode, "sslMode");
			return this;
		}

		/**
		 * Sets the PEM file of the certificate authorities to trust.
		 * @param path the file path
		 * @return this
		 */
		public Builder sslRootCert(@Nullable String path) {
			this.sslRootCert = trimmed(path);
			return this;
		}

		/**
		 * Sets the client certificate file, for mutual TLS.
		 * @param path the file path
		 * @return this
		 */
		public Builder sslCert(@Nullable String path) {
			this.sslCert = trimmed(path);
			return this;
		}

		/**
		 * Sets the private key file of the client certificate.
		 * @param path the file path
		 * @return this
		 */
		public Builder sslKey(@Nullable String path) {
			this.sslKey = trimmed(path);
			return this;
		}

		/**
		 * Validates and builds the settings.
		 * @return the settings
		 * @throws LakebaseConfigurationException when a setting cannot work
		 */
		public LakebaseConnectionSettings build() {
			if (this.port < 1 || this.port > 65535) {
				throw new LakebaseConfigurationException("port", Integer.toString(this.port),
						"The port " + this.port + " is not a TCP port", "Use the port Lakebase listens on, 5432.");
			}
			if (this.host != null) {
				if (!HostNames.isValid(this.host)) {
					throw new LakebaseConfigurationException("host", this.host, "The host '" + this.host
							+ "' is not a host name or IP address: it may hold nothing else (no scheme, port, path, "
							+ "query or user), so that no value can add connection parameters",
							"Set only the host name, such as instance-1a2b.database.cloud.databricks.com; the port "
									+ "is a setting of its own. Or remove it to look the host up.");
				}
				this.sslMode.checkAllowedFor(this.host);
			}
			checkSchema();
			checkClientCertificate();
			checkPooled();
			return new LakebaseConnectionSettings(this);
		}

		private void checkSchema() {
			if (this.schema == null) {
				return;
			}
			for (String name : this.schema.split(",", -1)) {
				if (!SCHEMA_NAME.matcher(name.trim()).matches()) {
					throw new LakebaseConfigurationException("schema", this.schema, "The schema '" + this.schema
							+ "' is not a PostgreSQL schema name (letters, digits, _ and $, starting with a letter or "
							+ "_, at most 63 characters; several separated by commas)",
							"Set the name of an existing schema, such as orders.");
				}
			}
		}

		private void checkPooled() {
			if (!this.pooled) {
				return;
			}
			if (this.target.flavour() == LakebaseTarget.Flavour.PROVISIONED) {
				throw new LakebaseConfigurationException("pooled", "true", "A Provisioned database instance has no "
						+ "pooled host to connect through", "Remove pooled=true (lakebase.pooled).");
			}
			if (this.schema != null) {
				// PgJDBC sets the schema as the session's search_path at login: a transaction-mode
				// pooler hands the next transaction to another server session, without it.
				throw new LakebaseConfigurationException("schema", this.schema, "A schema ('" + this.schema
						+ "') is session state, which the pooler's transaction mode does not keep",
						"Remove the schema and qualify table names (or set the role's search_path on the server: "
								+ "ALTER ROLE ... SET search_path), or remove pooled=true (lakebase.pooled).");
			}
		}

		private void checkClientCertificate() {
			if ((this.sslCert == null) != (this.sslKey == null)) {
				boolean cert = this.sslCert != null;
				throw new LakebaseConfigurationException(cert ? "ssl.cert" : "ssl.key", cert ? this.sslCert : this.sslKey,
						cert ? "A client certificate is set without its private key"
								: "A private key is set without its client certificate",
						cert ? "Set the client certificate's private key (ssl.key) too, or remove the certificate."
								: "Set the client certificate (ssl.cert) too, or remove the key.");
			}
			SslMode mode = this.sslMode.withRootCert(this.sslRootCert);
			if (mode.verifiesServer() && this.sslRootCert == null && this.sslCert != null) {
				// The JVM trust store route (no root certificate) is PgJDBC's DefaultJavaSSLFactory,
				// which would silently ignore a client certificate.
				throw new LakebaseConfigurationException("ssl.cert", this.sslCert,
						"A client certificate with SSL mode '" + mode.jdbcValue() + "' needs the root "
								+ "certificate (the CA file of the server's certificate) set too: without one, the JVM "
								+ "trust store verifies the server, and that route presents no client certificate",
						"Set the root certificate to the PEM file of the CA that signed the Lakebase certificate, "
								+ "or remove the client certificate.");
			}
		}

		private static @Nullable String trimmed(@Nullable String value) {
			return (value == null || value.isBlank()) ? null : value.trim();
		}

	}

}
