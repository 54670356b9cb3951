package io.lakebase.jdbc;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link LakebaseCredentialCache} holds, for health details and diagnostics. Never holds a
 * token.
 *
 * @param expiresAt when the cached credential expires, as the workspace reported it, or
 * {@code null} when none is cached
 * @param expiresIn how long the cached credential stays valid, measured on this machine's
 * monotonic clock from when it was requested, or {@code null} when none is cached
 * @param usable whether the cached credential is valid beyond its safety margin, so that a login
 * needs no API call
 * @param lastRefresh when a credential was last obtained, or {@code null}
 * @param lastError why the last attempt failed, or {@code null} after a success
 * @since 0.1.0
 */
public record LakebaseCredentialStatus(@Nullable Instant expiresAt, @Nullable Duration expiresIn, boolean usable,
		@Nullable Instant lastRefresh, @Nullable String lastError) {
}
