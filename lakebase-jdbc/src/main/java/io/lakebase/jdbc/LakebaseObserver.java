package io.lakebase.jdbc;

import java.util.Locale;

/**
 * Told about each step a connection to Lakebase takes, around it: a credential fetch from the
 * workspace, a lookup of the host and role, a login to Postgres. An implementation records them,
 * as Micrometer Observations do ({@link io.lakebase.jdbc.observation.LakebaseObservations}: spans in
 * a tracing backend, timers in metrics). What it is told names the step and the target, never a
 * credential, a token or a role.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LakebaseObserver {

	/** Records nothing. */
	LakebaseObserver NONE = new LakebaseObserver() {

		@Override
		public <T, E extends Exception> T observe(Step step, LakebaseTarget target, Work<T, E> work) throws E {
			return work.run();
		}

	};

	/**
	 * Runs one step, observed.
	 * @param <T> what the step returns
	 * @param <E> what the step throws
	 * @param step the step
	 * @param target the endpoint, branch or instance it is for
	 * @param work the step itself
	 * @return what the step returned
	 * @throws E what the step threw, unchanged
	 */
	<T, E extends Exception> T observe(Step step, LakebaseTarget target, Work<T, E> work) throws E;

	/**
	 * The steps observed.
	 */
	enum Step {

		/** A call to the credential API for a database credential. */
		CREDENTIAL_FETCH,

		/** A lookup of the host (and role) in the workspace, once per connection target. */
		LOOKUP,

		/** A login to Postgres: PgJDBC's connection and handshake with the credential. */
		LOGIN;

		/**
		 * Returns the step's name, as observations and meters are named.
		 * @return {@code lakebase.credential.fetch}, {@code lakebase.lookup} or {@code lakebase.login}
		 */
		public String observationName() {
			return "lakebase." + name().toLowerCase(Locale.ROOT).replace('_', '.');
		}

	}

	/**
	 * A step's work.
	 * @param <T> what it returns
	 * @param <E> what it throws
	 */
	@FunctionalInterface
	interface Work<T, E extends Exception> {

		/**
		 * Does the work.
		 * @return the result
		 * @throws E when the work fails
		 */
		T run() throws E;

	}

}
