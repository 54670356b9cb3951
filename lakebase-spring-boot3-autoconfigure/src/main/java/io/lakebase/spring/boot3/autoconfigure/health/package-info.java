/**
 * Actuator health of the Lakebase connection.
 */
@NullMarked
package io.lakebase.spring.boot3.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
