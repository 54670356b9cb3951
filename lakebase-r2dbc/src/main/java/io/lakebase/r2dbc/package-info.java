/**
 * R2DBC for Databricks Lakebase: r2dbc-postgresql connection options whose password is the
 * rotating credential of a {@link io.lakebase.jdbc.LakebaseCredentialCache}, and a connection factory
 * that logs in with it, replaces a refused one once, and never blocks an event-loop thread for a
 * credential.
 */
@NullMarked
package io.lakebase.r2dbc;

import org.jspecify.annotations.NullMarked;
