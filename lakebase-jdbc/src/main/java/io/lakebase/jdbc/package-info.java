/**
 * Framework-free core of the Lakebase support: what to connect to, short-lived database
 * credentials kept ahead of need, host and role discovery, and a login {@code DataSource} that any
 * pool can sit on.
 */
@NullMarked
package io.lakebase.jdbc;

import org.jspecify.annotations.NullMarked;
