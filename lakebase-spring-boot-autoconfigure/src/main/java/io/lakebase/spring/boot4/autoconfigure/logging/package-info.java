/**
 * Logging defaults that keep secrets out of DEBUG and TRACE logs.
 */
@NullMarked
package io.lakebase.spring.boot4.autoconfigure.logging;

import org.jspecify.annotations.NullMarked;
