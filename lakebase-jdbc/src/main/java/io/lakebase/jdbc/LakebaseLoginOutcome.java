package io.lakebase.jdbc;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How the latest attempt to open a physical connection ended. Never holds a secret.
 *
 * @param at when the attempt ended
 * @param succeeded whether a connection was opened
 * @param sqlState the SQL state of the failure, or {@code null}
 * @param error the failure message, or {@code null} after a success
 * @since 0.1.0
 */
public record LakebaseLoginOutcome(Instant at, boolean succeeded, @Nullable String sqlState, @Nullable String error) {
}
