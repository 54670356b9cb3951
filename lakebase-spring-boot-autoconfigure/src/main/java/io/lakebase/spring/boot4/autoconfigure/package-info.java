/**
 * Auto-configuration of a pooled {@code DataSource} for Databricks Lakebase that logs in with
 * short-lived OAuth database credentials.
 */
@NullMarked
package io.lakebase.spring.boot4.autoconfigure;

import org.jspecify.annotations.NullMarked;
