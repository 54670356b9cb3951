/**
 * Micrometer Observations of the Lakebase connection steps.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
