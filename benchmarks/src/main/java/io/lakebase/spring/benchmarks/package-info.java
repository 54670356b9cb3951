/**
 * A benchmark harness that compares the starter's {@code DataSource} with the per-connection
 * credential pattern of the Databricks guide and with a static password, on a local Lakebase.
 */
@NullMarked
package io.lakebase.spring.benchmarks;

import org.jspecify.annotations.NullMarked;
