/**
 * Actuator health of the Lakebase connection.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
