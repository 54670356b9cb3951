/**
 * Connections on behalf of the signed-in user: the user data source, where the current user's
 * token comes from, and the 401 or 403 a refused user gets.
 */
@NullMarked
package io.lakebase.spring.autoconfigure.onbehalfof;

import org.jspecify.annotations.NullMarked;
