/**
 * Ahead-of-time processing support: runtime hints for native images.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
