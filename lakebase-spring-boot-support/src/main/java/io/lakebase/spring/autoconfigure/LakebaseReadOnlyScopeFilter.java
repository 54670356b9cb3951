package io.lakebase.spring.autoconfigure;

import java.io.IOException;

import io.lakebase.jdbc.ReadReplicaRoutingDataSource;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes each HTTP request a read-your-writes scope of the read replica routing: after the request
 * ran work on the primary outside a read-only transaction, its read-only transactions go to the
 * primary too, so that it never misses what it just wrote on an asynchronous replica. Ordered
 * early, so that it wraps the open-in-view interceptor and the application's own filters.
 */
final class LakebaseReadOnlyScopeFilter extends OncePerRequestFilter implements Ordered {

	/** Early: before Spring Security and the application's own filters. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	// Looked up at the first request: the web server, which creates filters, starts before the
	// data source and the replica's connector, whose startup checks must not run that early.
	private final SingletonSupplier<LakebaseReadOnlyRouting> routing;

	LakebaseReadOnlyScopeFilter(ObjectProvider<LakebaseReadOnlyRouting> routing) {
		this.routing = SingletonSupplier.of(routing::getObject);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ReadReplicaRoutingDataSource.Scope scope = this.routing.obtain().openScope();
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (scope != null) {
				scope.close();
			}
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
