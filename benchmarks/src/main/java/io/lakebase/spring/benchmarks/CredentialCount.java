package io.lakebase.spring.benchmarks;

/**
 * Credential API calls and accepted logins (new physical connections) counted by the local
 * Lakebase.
 *
 * @param calls credential API calls
 * @param logins accepted logins
 */
record CredentialCount(long calls, long logins) {

	static final CredentialCount NONE = new CredentialCount(0, 0);

	CredentialCount plus(CredentialCount other) {
		return new CredentialCount(this.calls + other.calls, this.logins + other.logins);
	}

	/**
	 * Returns the credential calls per 1,000 new physical connections.
	 * @return the rate, or zero without any login
	 */
	double callsPerThousandLogins() {
		return (this.logins > 0) ? this.calls * 1000.0 / this.logins : 0;
	}

}
