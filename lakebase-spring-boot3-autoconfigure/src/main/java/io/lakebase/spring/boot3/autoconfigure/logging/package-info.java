/**
 * Logging defaults that keep secrets out of DEBUG and TRACE logs.
 */
@NullMarked
package io.lakebase.spring.boot3.autoconfigure.logging;

import org.jspecify.annotations.NullMarked;
