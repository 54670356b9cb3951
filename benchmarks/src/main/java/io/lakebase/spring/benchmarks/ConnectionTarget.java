package io.lakebase.spring.benchmarks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;

/**
 * Where every variant connects: one local Lakebase, one service principal and one login front, so
 * that the wire path is the same for A, B and C, each verifying the front's certificate.
 *
 * @param workspaceUrl the URL of the mock workspace API
 * @param endpoint the Autoscaling endpoint
 * @param host the host of the login front
 * @param port its port
 * @param database the database
 * @param username the service principal's client id, also its Postgres role
 * @param clientSecret the service principal's OAuth secret
 * @param staticPassword a long-lived database credential for variant C
 * @param rootCert the PEM file of the CA that signed the front's certificate
 */
record ConnectionTarget(String workspaceUrl, String endpoint, String host, int port, String database,
		String username, String clientSecret, String staticPassword, String rootCert) {

	/**
	 * The SSL mode of every variant: the starter's default, against the front's CA.
	 */
	static final String SSL_MODE = "verify-full";

	static ConnectionTarget of(LocalLakebase lakebase) {
		Identity identity = lakebase.defaultIdentity();
		// Longer than any run, so that C never needs a new one.
		String staticPassword = lakebase.issueToken(identity, Duration.ofDays(1)).token();
		return new ConnectionTarget(lakebase.workspaceUrl(), LocalLakebase.DEFAULT_ENDPOINT, lakebase.host(),
				lakebase.port(), lakebase.database(), identity.name(), identity.secret(), staticPassword,
				lakebase.caCertificate().toString());
	}

	String jdbcUrl() {
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database + "?sslmode=" + SSL_MODE
				+ "&sslrootcert=" + URLEncoder.encode(this.rootCert, StandardCharsets.UTF_8);
	}

	// Records print every component: keep the secrets out of any log or assertion message.
	@Override
	public String toString() {
		return "ConnectionTarget[endpoint=" + this.endpoint + ", host=" + this.host + ", port=" + this.port
				+ ", database=" + this.database + ", username=" + this.username + "]";
	}

}
