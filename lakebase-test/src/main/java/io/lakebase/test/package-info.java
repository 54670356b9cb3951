/**
 * A Lakebase branch per test run: {@link io.lakebase.test.LakebaseTestBranch @LakebaseTestBranch}
 * branches {@code lakebase.test.parent} (copy on write, with a TTL), waits for a read-write
 * compute on the new branch, points the tests at it and deletes the branch afterwards.
 */
@NullMarked
package io.lakebase.test;

import org.jspecify.annotations.NullMarked;
