package io.lakebase.spring.benchmarks;

import java.time.Duration;

import io.lakebase.local.Stats;

/**
 * Counts the credential API calls and logins that an action causes, from the local Lakebase's
 * own stats. The harness runs one variant at a time, so that the difference belongs to it.
 */
final class CredentialMeter {

	// The front counts a login just after the client sees it complete: let the last one land.
	private static final Duration LOGIN_COUNT_GRACE = Duration.ofMillis(50);

	private final Stats stats;

	CredentialMeter(Stats stats) {
		this.stats = stats;
	}

	/**
	 * Runs an action and counts what it caused. The action must leave nothing in flight: a pool
	 * it used must have settled.
	 * @param action the action
	 * @return the calls and logins it caused
	 * @throws Exception what the action throws
	 */
	CredentialCount measure(Action action) throws Exception {
		long calls = this.stats.credentialRequests();
		long logins = this.stats.loginsAccepted();
		action.run();
		Thread.sleep(LOGIN_COUNT_GRACE.toMillis());
		return new CredentialCount(this.stats.credentialRequests() - calls, this.stats.loginsAccepted() - logins);
	}

	/**
	 * An action to count.
	 */
	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

}
