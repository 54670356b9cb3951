/**
 * Actuator health of the Lakebase connection.
 */
@NullMarked
package io.lakebase.spring.boot4.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
