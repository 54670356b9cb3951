package io.lakebase.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.service.iam.MeRequest;
import com.databricks.sdk.service.iam.User;
import org.jspecify.annotations.Nullable;

/**
 * Tells whom a user's Databricks token belongs to, by asking the workspace with that token (SCIM
 * {@code Me}), never by trusting a header or the token's own claims. Answers are kept by the
 * token's fingerprint until the token expires (as the token states it, else at most
 * {@link #MAX_AGE_OF_OPAQUE_TOKENS}) or is unused for the idle timeout; concurrent requests with a
 * new token share one lookup, bounded by the lookup timeout.
 */
final class UserIdentities {

	// A token that states no expiry (a personal access token) is asked about again after this.
	static final Duration MAX_AGE_OF_OPAQUE_TOKENS = Duration.ofMinutes(15);

	// How long a token the workspace rejected is refused without asking again.
	static final Duration REJECTED_TOKEN_MEMORY = Duration.ofSeconds(5);

	// Far more than the users pooled, so that it only bounds memory under a flood of new tokens.
	private static final int MAX_ENTRIES = 10_000;

	private final Function<Supplier<String>, WorkspaceClient> clients;

	private final UserTokens tokens;

	private final Duration lookupTimeout;

	private final Duration idleTimeout;

	private final Executor lookups;

	private final LongSupplier nanoTime;

	private final Supplier<Instant> now;

	private final Map<String, Entry> byFingerprint = new ConcurrentHashMap<>();

	private final LongAdder lookupCount = new LongAdder();

	UserIdentities(Function<Supplier<String>, WorkspaceClient> clients, UserTokens tokens, Duration lookupTimeout,
			Duration idleTimeout, Executor lookups, LongSupplier nanoTime, Supplier<Instant> now) {
		this.clients = clients;
		this.tokens = tokens;
		this.lookupTimeout = lookupTimeout;
		this.idleTimeout = idleTimeout;
		this.lookups = lookups;
		this.nanoTime = nanoTime;
		this.now = now;
	}

	/**
	 * Returns the workspace user name (a user's email, a service principal's application id) of a
	 * token: its Postgres role.
	 * @param token the user's Databricks token
	 * @return the user name
	 * @throws LakebaseUserAccessException when the token is missing, expired or not accepted
	 * @throws SQLException when the workspace cannot tell in time
	 */
	String userName(@Nullable String token) throws SQLException {
		if (token == null || token.isBlank()) {
			throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
					"No user token: a connection on behalf of a user needs the signed-in user's Databricks token");
		}
		String fingerprint = this.tokens.fingerprint(token);
		long nanos = this.nanoTime.getAsLong();
		Entry entry = this.byFingerprint.get(fingerprint);
		if (entry != null && entry.isExpired(nanos)) {
			this.byFingerprint.remove(fingerprint, entry);
			entry = null;
		}
		if (entry == null) {
			// A token not seen yet (or no longer known): its stated expiry, before any call.
			Instant stated = UserTokens.statedExpiry(token);
			Instant now = this.now.get();
			if (stated != null && !stated.isAfter(now)) {
				throw new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
						"The user's Databricks token expired at " + stated);
			}
			Duration age = MAX_AGE_OF_OPAQUE_TOKENS;
			if (stated != null && Duration.between(now, stated).compareTo(age) < 0) {
				age = Duration.between(now, stated);
			}
			Entry created = new Entry(new CompletableFuture<>(), nanos, nanos + age.toNanos());
			entry = this.byFingerprint.putIfAbsent(fingerprint, created);
			if (entry == null) {
				entry = created;
				lookUp(token, fingerprint, created);
			}
		}
		entry.lastUsed = nanos;
		return await(entry);
	}

	private void lookUp(String token, String fingerprint, Entry entry) {
		if (this.byFingerprint.size() > MAX_ENTRIES) {
			prune();
		}
		this.lookupCount.increment();
		try {
			this.lookups.execute(() -> {
				try {
					User me = this.clients.apply(() -> token).currentUser().me(new MeRequest());
					String userName = (me != null) ? me.getUserName() : null;
					if (userName == null || userName.isBlank()) {
						throw new SQLException("The workspace answered without a user name for the user's token", "08001");
					}
					entry.userName.complete(userName);
				}
				catch (Throwable failure) {
					if (translate(failure) instanceof LakebaseUserAccessException refused
							&& refused.getReason() == LakebaseUserAccessException.Reason.UNAUTHENTICATED) {
						// A rejected token is answered from memory for a few seconds: a client
						// retrying it cannot turn each of its requests into a workspace call.
						entry.expiresAt = Math.min(entry.expiresAt,
								this.nanoTime.getAsLong() + REJECTED_TOKEN_MEMORY.toNanos());
					}
					else {
						// Not kept: a later request with the same token asks again.
						this.byFingerprint.remove(fingerprint, entry);
					}
					entry.userName.completeExceptionally(failure);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.byFingerprint.remove(fingerprint, entry);
			entry.userName.completeExceptionally(new SQLTransientConnectionException(
					"Too many user lookups at once; try again", "08004", ex));
		}
	}

	private String await(Entry entry) throws SQLException {
		try {
			return entry.userName.get(this.lookupTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw translate(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new SQLTransientConnectionException("The workspace did not tell who the user is within "
					+ this.lookupTimeout, "08001", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while looking up the user", "08001", ex);
		}
	}

	/**
	 * Turns what the workspace answered about a user's token into the failure a caller gets: 401
	 * for a token it does not accept, 403 for a user it refuses.
	 */
	static SQLException translate(Throwable failure) {
		LakebaseUserAccessException access = Failures.find(failure, LakebaseUserAccessException.class);
		if (access != null) {
			return access;
		}
		DatabricksError refused = Failures.find(failure, DatabricksError.class,
				(error) -> error.getStatusCode() == 401 || error.getStatusCode() == 403);
		if (refused != null && refused.getStatusCode() == 401) {
			return new LakebaseUserAccessException(LakebaseUserAccessException.Reason.UNAUTHENTICATED,
					"The workspace does not accept the user's token (invalid, expired or revoked)", refused);
		}
		if (refused != null) {
			return new LakebaseUserAccessException(LakebaseUserAccessException.Reason.FORBIDDEN,
					"The workspace refuses the user: " + refused.getMessage(), refused);
		}
		if (failure instanceof SQLException sql) {
			return sql;
		}
		return new SQLException("Could not look up the user: " + failure.getMessage(), "08001", failure);
	}

	/**
	 * Forgets the answers of tokens that expired or were not presented for the idle timeout.
	 */
	void prune() {
		long nanos = this.nanoTime.getAsLong();
		this.byFingerprint.values().removeIf((entry) -> entry.isExpired(nanos)
				|| (entry.userName.isDone() && nanos - entry.lastUsed > this.idleTimeout.toNanos()));
	}

	long lookups() {
		return this.lookupCount.sum();
	}

	private static final class Entry {

		private final CompletableFuture<String> userName;

		private volatile long expiresAt;

		private volatile long lastUsed;

		Entry(CompletableFuture<String> userName, long createdAt, long expiresAt) {
			this.userName = userName;
			this.expiresAt = expiresAt;
			this.lastUsed = createdAt;
		}

		boolean isExpired(long nanos) {
			return nanos - this.expiresAt >= 0;
		}

	}

}
