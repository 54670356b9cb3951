/**
 * Actuator endpoint support: keeping secrets out of {@code configprops} and {@code env}.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
