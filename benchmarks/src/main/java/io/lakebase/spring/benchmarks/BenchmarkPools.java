package io.lakebase.spring.benchmarks;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseResolver;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Opens a fresh pool of any variant: every pool, and for the starter every credential cache,
 * starts cold.
 */
final class BenchmarkPools {

	private final ConnectionTarget target;

	private final BenchmarkApplications applications;

	private final int poolSize;

	BenchmarkPools(ConnectionTarget target, BenchmarkApplications applications, int poolSize) {
		this.target = target;
		this.applications = applications;
		this.poolSize = poolSize;
	}

	BenchmarkPool open(Variant variant) {
		BenchmarkPool pool = switch (variant) {
			case GUIDE -> guide();
			case STARTER -> starter();
			case STATIC_PASSWORD -> staticPassword();
		};
		requireComparable(pool);
		return pool;
	}

	/**
	 * Fails unless the pool has the size and {@code maxLifetime} every variant is compared at. B's
	 * come from the starter and Boot, so a change of their defaults must not go unnoticed.
	 */
	private void requireComparable(BenchmarkPool pool) {
		HikariDataSource dataSource = pool.dataSource();
		if (dataSource.getMaximumPoolSize() != this.poolSize
				|| dataSource.getMaxLifetime() != GuidePattern.MAX_LIFETIME.toMillis()) {
			try {
				pool.close();
			}
			catch (Exception ex) {
				// Failing anyway: the mismatch is what matters.
			}
			throw new IllegalStateException("The pool of variant " + pool.variant().letter() + " has "
					+ dataSource.getMaximumPoolSize() + " connections and a maxLifetime of "
					+ dataSource.getMaxLifetime() + " ms; every variant must have " + this.poolSize + " and "
					+ GuidePattern.MAX_LIFETIME.toMillis() + " ms");
		}
	}

	private BenchmarkPool guide() {
		WorkspaceClient workspaceClient = GuidePattern.workspaceClient(this.target.workspaceUrl(),
				this.target.username(), this.target.clientSecret());
		// A holds its workspace OAuth token before the first connection, as B does (see starter()).
		workspaceClient.config().authenticate();
		HikariDataSource dataSource = GuidePattern.dataSource(workspaceClient, this.target.endpoint(),
				this.target.host(), this.target.port(), this.target.database(), this.target.username(),
				this.target.rootCert(), this.poolSize);
		return new BenchmarkPool(Variant.GUIDE, dataSource, dataSource);
	}

	private BenchmarkPool starter() {
		ConfigurableApplicationContext context = this.applications.start(Variant.STARTER);
		// B starts with lakebase.fail-fast=false, so its start made no workspace call. Give it the
		// head start A has: host and role resolved, OAuth token held. Only credential calls differ.
		context.getBean(LakebaseResolver.class).resolve();
		context.getBean(WorkspaceClient.class).config().authenticate();
		return new BenchmarkPool(Variant.STARTER, context.getBean(HikariDataSource.class), context);
	}

	private BenchmarkPool staticPassword() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.target.jdbcUrl());
		dataSource.setUsername(this.target.username());
		dataSource.setPassword(this.target.staticPassword());
		dataSource.setPoolName(Variant.STATIC_PASSWORD.poolName());
		dataSource.setMaximumPoolSize(this.poolSize);
		dataSource.setMaxLifetime(GuidePattern.MAX_LIFETIME.toMillis());
		return new BenchmarkPool(Variant.STATIC_PASSWORD, dataSource, dataSource);
	}

}
