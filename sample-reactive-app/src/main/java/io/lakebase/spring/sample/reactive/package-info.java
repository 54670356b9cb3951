/**
 * The reactive notes sample service.
 */
@NullMarked
package io.lakebase.spring.sample.reactive;

import org.jspecify.annotations.NullMarked;
