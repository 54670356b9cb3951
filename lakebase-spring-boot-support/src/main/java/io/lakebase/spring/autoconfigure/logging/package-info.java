/**
 * Logging defaults that keep secrets out of DEBUG and TRACE logs.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.logging;

import org.jspecify.annotations.NullMarked;
