/**
 * A local Lakebase for tests and development: a mock Databricks workspace API and a PostgreSQL
 * login front that accepts short-lived database credentials, over an embedded PostgreSQL server.
 */
@NullMarked
package io.lakebase.local;

import org.jspecify.annotations.NullMarked;
