package io.lakebase.jdbc;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.DatabricksException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Failures}: which failures startup and callers retry.
 */
class FailuresTests {

	@Test
	void throttlingUnavailabilityTimeoutsAndBrokenConnectionsAreTransient() {
		assertThat(Failures.isTransient(new DatabricksException("Request failed after 4 retries",
				new DatabricksError("REQUEST_LIMIT_EXCEEDED", "slow down", 429)))).isTrue();
		assertThat(Failures.isTransient(new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503))).isTrue();
		assertThat(Failures.isTransient(new DatabricksError("DEADLINE_EXCEEDED", "slow", 504))).isTrue();
		assertThat(Failures.isTransient(new DatabricksError("IO_ERROR", 523, new ConnectException("refused")))).isTrue();
		assertThat(Failures.isTransient(new DatabricksException("IO error", new SocketTimeoutException("read")))).isTrue();
		assertThat(Failures.isTransient(new LakebaseCredentialException("abandoned", new TimeoutException()))).isTrue();
		assertThat(Failures.isTransient(new SQLException("Connection refused", "08001", new ConnectException()))).isTrue();
		assertThat(Failures.isTransient(new SQLException("the database system is starting up", "57P03"))).isTrue();
	}

	@Test
	void rejectionsMissingThingsAndUnknownNamesArePermanent() {
		assertThat(Failures.isTransient(new DatabricksError("UNAUTHENTICATED", "bad token", 401))).isFalse();
		assertThat(Failures.isTransient(new DatabricksError("PERMISSION_DENIED", "no", 403))).isFalse();
		assertThat(Failures.isTransient(new DatabricksError("RESOURCE_DOES_NOT_EXIST", "gone", 404))).isFalse();
		assertThat(Failures.isTransient(new DatabricksError("NOT_IMPLEMENTED", "no", 501))).isFalse();
		assertThat(Failures.isTransient(new DatabricksException("Failed to refresh credentials: invalid_client")))
			.isFalse();
		assertThat(Failures.isTransient(new SQLException("password authentication failed", "28P01"))).isFalse();
		assertThat(Failures.isTransient(new SQLException("role does not exist", "28000"))).isFalse();
		assertThat(Failures.isTransient(new SQLException("database does not exist", "3D000"))).isFalse();
		assertThat(Failures.isTransient(new NoClassDefFoundError("com/databricks/Foo"))).isFalse();
		assertThat(Failures.isTransient(new DatabricksError("IO_ERROR", 523, new UnknownHostException("x.invalid"))))
			.isFalse();
	}

	@Test
	void certificatesThatDoNotVerifyArePermanentThoughTheHandshakeIsAnIoFailure() {
		SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
		untrusted.initCause(new CertificateException("unable to find valid certification path to requested target"));
		assertThat(Failures.isTransient(new SQLException("SSL error: PKIX path building failed", "08006", untrusted)))
			.isFalse();
		assertThat(Failures.isTransient(new SQLException("Could not open SSL root certificate file /x.pem.", "08006",
				new FileNotFoundException("/x.pem (No such file or directory)"))))
			.isFalse();
		assertThat(Failures.isTransient(new SQLException(
				"The hostname db.example.com could not be verified by hostnameverifier PgjdbcHostnameVerifier.", "08006")))
			.isFalse();
		// A handshake cut by the network is worth a retry.
		assertThat(Failures.isTransient(new SQLException("SSL error: Connection reset", "08006",
				new SSLException("Connection reset", new SocketException("Connection reset")))))
			.isTrue();
	}

	@Test
	void theDeepestCauseThatSaysAnythingDecides() {
		// A login wrapping a rejected workspace call is as permanent as the rejection...
		assertThat(Failures.isTransient(new SQLException("no credential", "08001", new LakebaseCredentialException(
				"Could not obtain", new DatabricksError("UNAUTHENTICATED", "bad token", 401))))).isFalse();
		// ...and one wrapping a configuration that cannot work too.
		assertThat(Failures.isTransient(new SQLException("disabled", "08001",
				new LakebaseConfigurationException("endpoint", "e", "disabled", "enable it")))).isFalse();
		assertThat(Failures.isTransient(new SQLException("no credential", "08001", new LakebaseCredentialException(
				"Could not obtain", new DatabricksError("TEMPORARILY_UNAVAILABLE", "down", 503))))).isTrue();
	}

	@Test
	void aCauseCycleEndsTheSearch() {
		IllegalStateException outer = new IllegalStateException("outer");
		IllegalArgumentException inner = new IllegalArgumentException("inner", outer);
		outer.initCause(inner);
		assertThat((Object) Failures.find(outer, SQLException.class)).isNull();
		assertThat(Failures.isTransient(outer)).isFalse();
		assertThat(Failures.describe(outer)).contains("outer");
		assertThat((Object) Failures.deepest(outer)).isIn(outer, inner);
	}

	@Test
	void describeDropsTheSdkConfigurationDump() {
		assertThat(Failures.describe(new DatabricksException(
				"default auth: cannot configure default credentials. Config: host=https://x, client_secret=***")))
			.isEqualTo("DatabricksException: default auth: cannot configure default credentials");
		assertThat(Failures.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
	}

}
