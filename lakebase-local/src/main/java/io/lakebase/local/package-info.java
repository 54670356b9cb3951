/**
 * A local Lakebase for tests and development: a mock Databricks workspace API and a PostgreSQL
 * login front that accepts short-lived database credentials, over an embedded PostgreSQL server.
 * Each compute (endpoint, read replica, high-availability read-only host, instance) has a
 * loopback address of its own on one port, and sessions on read-only hosts refuse writes as a
 * hot standby does.
 */
@NullMarked
package io.lakebase.local;

import org.jspecify.annotations.NullMarked;
