package io.lakebase.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import org.jspecify.annotations.Nullable;

/**
 * Resolves connection settings into a {@link LakebaseConnectionInfo} once: the host, from the
 * endpoint's or instance's description unless configured, and the Postgres role. Every wait is
 * bounded by the caller's timeout, whatever the workspace does: the lookup runs on a thread of its
 * own (the Databricks SDK sleeps through {@code Retry-After} on the calling thread, without a cap),
 * callers wait for its outcome at most their timeout, and no lock is held while it runs. Concurrent
 * callers share one lookup; after a failure the next lookup starts at least a second later, so that
 * a pool retrying quickly does not call the workspace once per retry.
 *
 * @since 0.1.0
 */
public final class LakebaseResolver implements AutoCloseable {

	/** How long a caller waits for a lookup when it names no timeout. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	static final Duration RETRY_SPACING = Duration.ofSeconds(1);

	private final LakebaseConnectionSettings settings;

	private final LakebaseDiscovery discovery;

	private final LongSupplier nanoClock;

	private final LakebaseObserver observer;

	private final AtomicReference<State> state = new AtomicReference<>(State.NOT_STARTED);

	private volatile boolean closed;

	/**
	 * Creates a resolver. No network call is made until a caller resolves.
	 * @param settings the settings to resolve
	 * @param workspaceClient the workspace client, asked for on the first lookup
	 */
	public LakebaseResolver(LakebaseConnectionSettings settings, Supplier<WorkspaceClient> workspaceClient) {
		this(settings, workspaceClient, LakebaseObserver.NONE);
	}

	/**
	 * Creates a resolver whose lookups, and the logins of the login data sources on it, an
	 * observer is told about. No network call is made until a caller resolves.
	 * @param settings the settings to resolve
	 * @param workspaceClient the workspace client, asked for on the first lookup
	 * @param observer told about each lookup and login
	 */
	public LakebaseResolver(LakebaseConnectionSettings settings, Supplier<WorkspaceClient> workspaceClient,
			LakebaseObserver observer) {
		this(settings, new LakebaseDiscovery(workspaceClient, settings.target()), System::nanoTime, observer);
	}

	/**
	 * A resolver of a connection another resolver resolved already (a user's, on the application's
	 * host): it never looks anything up.
	 */
	static LakebaseResolver of(LakebaseConnectionInfo resolved, Supplier<WorkspaceClient> workspaceClient) {
		LakebaseResolver resolver = new LakebaseResolver(resolved.settings(), workspaceClient);
		resolver.state.set(State.resolved(resolved));
		return resolver;
	}

	LakebaseResolver(LakebaseConnectionSettings settings, LakebaseDiscovery discovery, LongSupplier nanoClock) {
		this(settings, discovery, nanoClock, LakebaseObserver.NONE);
	}

	LakebaseResolver(LakebaseConnectionSettings settings, LakebaseDiscovery discovery, LongSupplier nanoClock,
			LakebaseObserver observer) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.discovery = discovery;
		this.nanoClock = nanoClock;
		this.observer = Objects.requireNonNull(observer, "observer");
	}

	/**
	 * Returns what is told about this resolver's lookups and the logins on it.
	 * @return the observer
	 */
	public LakebaseObserver observer() {
		return this.observer;
	}

	/**
	 * Returns the settings resolved.
	 * @return the settings
	 */
	public LakebaseConnectionSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the endpoint or instance.
	 * @return the target
	 */
	public LakebaseTarget target() {
		return this.settings.target();
	}

	/**
	 * Resolves, waiting at most {@link #DEFAULT_TIMEOUT}.
	 * @return the connection
	 * @see #resolve(Duration)
	 */
	public LakebaseConnectionInfo resolve() {
		return resolve(DEFAULT_TIMEOUT);
	}

	/**
	 * Resolves the host and role on the first call, and returns the same connection on later ones.
	 * @param timeout how long to wait at most for a lookup in progress
	 * @return the connection
	 * @throws LakebaseWorkspaceException when the workspace cannot tell, or does not within the
	 * timeout (a transient failure: a later call tries again)
	 * @throws LakebaseConfigurationException when the settings cannot work
	 */
	public LakebaseConnectionInfo resolve(Duration timeout) {
		while (true) {
			State current = this.state.get();
			if (current.resolved != null) {
				return current.resolved;
			}
			if (this.closed) {
				throw this.discovery.workspaceFailure("The Lakebase resolver of " + target() + " is closed", null);
			}
			long now = this.nanoClock.getAsLong();
			if (current.lookup == null && current.failure != null
					&& now - current.failedAt < RETRY_SPACING.toNanos()) {
				// Pool threads retry quickly: do not call the workspace once per retry.
				throw current.failure;
			}
			if (current.lookup != null) {
				return await(current.lookup, timeout);
			}
			CompletableFuture<LakebaseConnectionInfo> lookup = new CompletableFuture<>();
			if (this.state.compareAndSet(current, State.lookingUp(lookup))) {
				Thread thread = new Thread(() -> lookUp(lookup), "lakebase-lookup");
				thread.setDaemon(true);
				thread.start();
				return await(lookup, timeout);
			}
		}
	}

	/**
	 * Returns the resolved connection, without resolving it.
	 * @return the connection, once resolved
	 */
	public Optional<LakebaseConnectionInfo> resolved() {
		return Optional.ofNullable(this.state.get().resolved);
	}

	/**
	 * Returns the role logins use, without resolving it.
	 * @return the resolved role, else the configured one, else {@code null}
	 */
	public @Nullable String username() {
		LakebaseConnectionInfo resolved = this.state.get().resolved;
		return (resolved != null) ? resolved.username() : this.settings.username();
	}

	/**
	 * Returns the JDBC URL of the connection, for pools and diagnostics that want one before the
	 * first connection: the resolved one, else a provisional one
	 * ({@link LakebaseConnectionInfo#provisionalJdbcUrl}). Connections always use the resolved one.
	 * @return the JDBC URL, without user or password
	 */
	public String jdbcUrl() {
		LakebaseConnectionInfo resolved = this.state.get().resolved;
		return (resolved != null) ? resolved.jdbcUrl() : LakebaseConnectionInfo.provisionalJdbcUrl(this.settings);
	}

	/**
	 * Explains why a configured host refused a login, when the workspace can tell (it is the
	 * pooled host of the target, say), bounded like a lookup.
	 * @param timeout how long the lookup may take
	 * @throws LakebaseConfigurationException when the lookup explains the refusal
	 */
	void explainRefusedHost(Duration timeout) {
		String host = this.settings.host();
		if (host == null) {
			return;
		}
		CompletableFuture<Void> explanation = CompletableFuture.runAsync(() -> this.discovery.explainRefusedHost(host),
				(task) -> {
					Thread thread = new Thread(task, "lakebase-lookup");
					thread.setDaemon(true);
					thread.start();
				});
		try {
			explanation.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof LakebaseConfigurationException configuration) {
				throw configuration;
			}
		}
		catch (TimeoutException ex) {
			// No explanation in time: the login failure is reported as it is.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Ends waits for a lookup in progress, and refuses later ones.
	 */
	@Override
	public void close() {
		this.closed = true;
		State current = this.state.get();
		if (current.lookup != null) {
			current.lookup.completeExceptionally(
					this.discovery.workspaceFailure("The Lakebase resolver of " + target() + " is closed", null));
		}
	}

	@Override
	public String toString() {
		return "LakebaseResolver[" + target() + "]";
	}

	LakebaseWorkspaceException workspaceFailure(String message, @Nullable Throwable cause) {
		return this.discovery.workspaceFailure(message, cause);
	}

	private void lookUp(CompletableFuture<LakebaseConnectionInfo> lookup) {
		LakebaseConnectionInfo resolved = null;
		RuntimeException failure;
		try {
			resolved = this.observer.observe(LakebaseObserver.Step.LOOKUP, target(),
					() -> this.discovery.resolve(this.settings));
			failure = null;
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		catch (Error ex) {
			failure = new IllegalStateException("The lookup of " + target() + " failed", ex);
		}
		// The state first, so that a caller woken by the lookup sees it; only this lookup's own.
		State next = (resolved != null) ? State.resolved(resolved) : State.failed(failure, this.nanoClock.getAsLong());
		State current = this.state.get();
		if (current.lookup == lookup) {
			this.state.compareAndSet(current, next);
		}
		if (resolved != null) {
			lookup.complete(resolved);
		}
		else {
			lookup.completeExceptionally(failure);
		}
	}

	private LakebaseConnectionInfo await(CompletableFuture<LakebaseConnectionInfo> lookup, Duration timeout) {
		try {
			return lookup.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw this.discovery.workspaceFailure("The workspace did not answer the lookup of " + target()
					+ " within " + timeout + " (it may be throttling: the lookup goes on in the background)", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("The lookup of " + target() + " failed", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.discovery.workspaceFailure("Interrupted while waiting for the lookup of " + target(), ex);
		}
	}

	/**
	 * What the resolver knows: nothing yet, a lookup in progress, the resolved connection, or the
	 * latest failure with its time. Immutable; swapped atomically.
	 */
	private record State(@Nullable LakebaseConnectionInfo resolved,
			@Nullable CompletableFuture<LakebaseConnectionInfo> lookup, @Nullable RuntimeException failure,
			long failedAt) {

		static final State NOT_STARTED = new State(null, null, null, 0);

		static State lookingUp(CompletableFuture<LakebaseConnectionInfo> lookup) {
			return new State(null, lookup, null, 0);
		}

		static State resolved(LakebaseConnectionInfo resolved) {
			return new State(resolved, null, null, 0);
		}

		static State failed(RuntimeException failure, long at) {
			return new State(null, null, failure, at);
		}

	}

}
