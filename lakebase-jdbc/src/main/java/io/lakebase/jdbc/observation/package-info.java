/**
 * Micrometer Observations of the steps of a connection (Micrometer is an optional dependency).
 */
@NullMarked
package io.lakebase.jdbc.observation;

import org.jspecify.annotations.NullMarked;
