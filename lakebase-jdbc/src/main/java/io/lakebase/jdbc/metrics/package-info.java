/**
 * Micrometer meters of the credential cache (Micrometer is an optional dependency).
 */
@NullMarked
package io.lakebase.jdbc.metrics;

import org.jspecify.annotations.NullMarked;
