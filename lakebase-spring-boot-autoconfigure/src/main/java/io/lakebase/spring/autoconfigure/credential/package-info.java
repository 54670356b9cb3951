/**
 * Short-lived Lakebase database credentials: where they come from and the cache that keeps one
 * valid ahead of need.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.credential;

import org.jspecify.annotations.NullMarked;
