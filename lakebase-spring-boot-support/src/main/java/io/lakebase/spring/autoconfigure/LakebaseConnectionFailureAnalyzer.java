package io.lakebase.spring.autoconfigure;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.regex.Pattern;

import javax.net.ssl.SSLHandshakeException;

import io.lakebase.jdbc.LakebaseConnectionException;
import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.SslMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;

/**
 * Reports a {@link LakebaseConnectionException}: a database host that cannot be reached, a TLS
 * certificate that cannot be verified, or a login that Postgres rejected, with the SQL that
 * creates the missing role.
 */
class LakebaseConnectionFailureAnalyzer extends AbstractFailureAnalyzer<LakebaseConnectionException> {

	// PgJDBC reports a host name mismatch with this message only (no exception type, SQL state 08006).
	private static final String HOSTNAME_NOT_VERIFIED = "could not be verified by hostnameverifier";

	private static final Pattern CLIENT_ID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LakebaseConnectionException cause) {
		LakebaseConnectionInfo connection = cause.getConnection();
		SQLException sqlException = cause.getSqlException();
		String sqlState = (sqlException != null) ? String.valueOf(sqlException.getSQLState()) : "";
		String serverMessage = String.valueOf(NestedExceptionUtils.getMostSpecificCause(cause).getMessage());
		String where = connection.target().name() + " at " + connection.host() + ":" + connection.port();
		if (findCause(cause, UnknownHostException.class) != null) {
			return new FailureAnalysis("The Lakebase host '" + connection.host() + "' of " + connection.target().name()
					+ " is unknown: the name does not resolve.", unreachableAction(cause), cause);
		}
		FailureAnalysis tls = tlsFailure(cause);
		if (tls != null) {
			return tls;
		}
		if (findCause(cause, ConnectException.class) != null || findCause(cause, NoRouteToHostException.class) != null
				|| findCause(cause, SocketTimeoutException.class) != null || sqlState.startsWith("08")) {
			return new FailureAnalysis("Could not reach Lakebase " + where + ": " + serverMessage + ".",
					unreachableAction(cause), cause);
		}
		if (sqlState.equals("28P01") || sqlState.equals("28000")) {
			return new FailureAnalysis("Lakebase " + where + " rejected the login of role '" + connection.username()
					+ "' to database '" + connection.database() + "': " + serverMessage + ".", loginAction(cause), cause);
		}
		if (sqlState.equals("3D000")) {
			return new FailureAnalysis("The database '" + connection.database() + "' does not exist on Lakebase " + where
					+ ".", "Set lakebase.database to an existing database (Lakebase creates databricks_postgres), "
							+ "or create '" + connection.database() + "'.", cause);
		}
		return new FailureAnalysis(cause.getMessage() + ".", "Check lakebase.host, lakebase.port, lakebase.database "
				+ "and lakebase.ssl.*, and that " + connection.target().name() + " is running.", cause);
	}

	// A root certificate file that cannot be used, a server certificate that neither the configured CA
	// nor the JVM trust store trusts, a certificate that does not name the host.
	private @Nullable FailureAnalysis tlsFailure(LakebaseConnectionException failure) {
		LakebaseConnectionInfo connection = failure.getConnection();
		SslMode mode = connection.settings().effectiveSslMode();
		String rootCert = connection.settings().sslRootCert();
		// What the user set, and what it means when they differ (require with a root certificate).
		String modeSetting = (mode != connection.settings().sslMode())
				? connection.settings().sslMode().jdbcValue() + " (with lakebase.ssl.root-cert: " + mode.jdbcValue() + ")"
				: mode.jdbcValue();
		String where = connection.target().name() + " at " + connection.host() + ":" + connection.port();
		boolean handshakeFailed = findCause(failure, SSLHandshakeException.class) != null;
		if (rootCert != null && !handshakeFailed && (findCause(failure, FileNotFoundException.class) != null
				|| findCause(failure, CertificateException.class) != null)) {
			return new FailureAnalysis("The root certificate file lakebase.ssl.root-cert=" + rootCert + " "
					+ rootCertProblem(rootCert) + ", so the certificate of Lakebase " + where
					+ " cannot be verified (lakebase.ssl.mode=" + modeSetting + ").",
					"Set lakebase.ssl.root-cert to a readable PEM file of the CA that signed the Lakebase "
							+ "certificate, or remove lakebase.ssl.root-cert to verify the server against the JVM "
							+ "trust store (its public CAs, or the store named by javax.net.ssl.trustStore).",
					failure);
		}
		if (handshakeFailed && findCause(failure, CertificateException.class) != null) {
			String trusted = (rootCert != null) ? "the CA in lakebase.ssl.root-cert=" + rootCert
					: "any CA of the JVM trust store (no lakebase.ssl.root-cert is set)";
			return new FailureAnalysis("The TLS certificate of Lakebase " + where + " is not signed by " + trusted
					+ ", and lakebase.ssl.mode=" + modeSetting + " verifies it: "
					+ NestedExceptionUtils.getMostSpecificCause(failure).getMessage() + ".",
					"If this is your Lakebase, trust the CA that signed its certificate: set lakebase.ssl.root-cert "
							+ "to that CA's PEM file, or add the CA to the JVM trust store (javax.net.ssl.trustStore). "
							+ "Check lakebase.host too: a proxy or another server may be answering. No credential "
							+ "was sent to it.",
					failure);
		}
		String message = String.valueOf(failure.getSqlException() != null ? failure.getSqlException().getMessage() : "");
		if (mode == SslMode.VERIFY_FULL && message.contains(HOSTNAME_NOT_VERIFIED)) {
			return new FailureAnalysis("The TLS certificate of Lakebase " + where + " does not name the host '"
					+ connection.host() + "', and lakebase.ssl.mode=verify-full checks that it does.",
					"Connect by the host name the certificate was issued for: remove lakebase.host to use the host "
							+ "the workspace reports, or set it to that name rather than an IP address or alias.",
					failure);
		}
		return null;
	}

	private static String rootCertProblem(String rootCert) {
		try {
			Path path = Path.of(rootCert);
			if (!Files.exists(path)) {
				return "does not exist";
			}
			if (!Files.isReadable(path) || Files.isDirectory(path)) {
				return "cannot be read";
			}
			return "holds no PEM certificate";
		}
		catch (InvalidPathException ex) {
			return "is not a valid path";
		}
	}

	private String unreachableAction(LakebaseConnectionException cause) {
		LakebaseConnectionInfo connection = cause.getConnection();
		return "Check lakebase.host and lakebase.port (now " + connection.host() + ":" + connection.port()
				+ "): remove lakebase.host to use the host the workspace reports for lakebase." + connection.target().kind()
				+ ", and keep the port 5432. Also check that this machine can reach it (outbound TCP 5432, proxy, "
				+ "firewall, private link, IP access lists) and that the compute is not stopped.";
	}

	private String loginAction(LakebaseConnectionException cause) {
		LakebaseConnectionInfo connection = cause.getConnection();
		String role = connection.username();
		String quoted = "\"" + role.replace("\"", "\"\"") + "\"";
		String identityType = CLIENT_ID.matcher(role).matches() ? "SERVICE_PRINCIPAL" : "USER";
		// 28000 is a role that does not exist; 28P01 a refused password, which a wrong role name can cause.
		boolean missingRole = "28000".equals((cause.getSqlException() != null) ? cause.getSqlException().getSQLState() : null);
		String checkUser = missingRole ? ""
				: "If the role exists, check that lakebase.username is unset or exactly the identity the workspace "
						+ "client authenticates as (role names are case-sensitive), and that the role was created "
						+ "for OAuth with databricks_create_role, not with a password.\n\n";
		return checkUser + "Create the Postgres role for the identity: as the project owner (or a member of "
				+ "databricks_superuser), run in the Lakebase SQL editor or psql:\n\n"
				+ "    CREATE EXTENSION IF NOT EXISTS databricks_auth;\n"
				+ "    SELECT databricks_create_role('" + role.replace("'", "''") + "', '" + identityType + "');\n"
				+ "    GRANT CONNECT ON DATABASE " + connection.database() + " TO " + quoted + ";\n"
				+ "    GRANT USAGE, CREATE ON SCHEMA public TO " + quoted + ";\n"
				+ "    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + quoted + ";\n\n"
				+ "or add it in the Lakebase App (your project > branch > Roles & Databases > Add role > OAuth).";
	}

}
