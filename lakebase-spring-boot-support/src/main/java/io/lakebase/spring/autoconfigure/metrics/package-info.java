/**
 * Micrometer metrics of the Lakebase credential cache.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
