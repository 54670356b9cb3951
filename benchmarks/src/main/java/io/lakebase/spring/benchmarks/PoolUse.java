package io.lakebase.spring.benchmarks;

import java.time.Duration;

/**
 * What one pool cost the credential API over its whole life, from cold start to close.
 *
 * @param variant the variant of the pool
 * @param count its credential calls and logins
 * @param lifetime how long it was open
 */
record PoolUse(Variant variant, CredentialCount count, Duration lifetime) {

}
