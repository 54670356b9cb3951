package io.lakebase.spring.benchmarks;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.databricks.sdk.WorkspaceClient;
import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseAuthenticationPlugin;
import io.lakebase.jdbc.LakebaseResolver;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Opens a fresh pool of any variant, or of the authentication plugin: every pool, and for the
 * starter every credential cache, starts cold.
 */
final class BenchmarkPools {

	/**
	 * The pool name of {@link #openWithPlugin()}.
	 */
	static final String PLUGIN_POOL_NAME = "plugin";

	private static final String PLUGIN_PROFILE = "lakebase-benchmarks";

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
	 * Opens a plain Hikari pool given only a JDBC URL that names {@link LakebaseAuthenticationPlugin},
	 * and the workspace as driver properties, the way a tool connects: no Spring, no starter. The
	 * plugin refuses secrets in URLs and properties, so the service principal's secret is in a
	 * Databricks configuration profile of the pool's own, deleted with it. The file is part of the
	 * key of the plugin's credential cache: like every pool here, it starts cold.
	 * @return the pool, not started
	 * @throws IOException if the profile cannot be written
	 */
	BenchmarkPool openWithPlugin() throws IOException {
		// Owner-only, as createTempFile makes it: it holds the secret.
		Path configFile = Files.createTempFile("lakebase-benchmarks-", ".databrickscfg");
		configFile.toFile().deleteOnExit();
		Files.writeString(configFile, "[" + PLUGIN_PROFILE + "]\nclient_secret = " + this.target.clientSecret() + "\n");
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.target.jdbcUrl() + "&user=" + encode(this.target.username())
				+ "&authenticationPluginClassName=" + LakebaseAuthenticationPlugin.class.getName() + "&"
				+ LakebaseAuthenticationPlugin.ENDPOINT + "=" + encode(this.target.endpoint()));
		dataSource.addDataSourceProperty(LakebaseAuthenticationPlugin.CONFIG_FILE, configFile.toString());
		dataSource.addDataSourceProperty(LakebaseAuthenticationPlugin.PROFILE, PLUGIN_PROFILE);
		// The rest explicit, as for A and B, so that a DATABRICKS_* variable of the machine cannot
		// change the workspace or add a second authentication method.
		dataSource.addDataSourceProperty(LakebaseAuthenticationPlugin.HOST, this.target.workspaceUrl());
		dataSource.addDataSourceProperty(LakebaseAuthenticationPlugin.CLIENT_ID, this.target.username());
		dataSource.addDataSourceProperty(LakebaseAuthenticationPlugin.AUTH_TYPE, "oauth-m2m");
		dataSource.setPoolName(PLUGIN_POOL_NAME);
		dataSource.setMaximumPoolSize(this.poolSize);
		dataSource.setMaxLifetime(GuidePattern.MAX_LIFETIME.toMillis());
		BenchmarkPool pool = new BenchmarkPool(dataSource, () -> {
			dataSource.close();
			Files.deleteIfExists(configFile);
		});
		requireComparable(pool);
		return pool;
	}

	/**
	 * Fails unless the pool has the size and {@code maxLifetime} every pool is compared at. B's
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
			throw new IllegalStateException("The pool " + dataSource.getPoolName() + " has "
					+ dataSource.getMaximumPoolSize() + " connections and a maxLifetime of "
					+ dataSource.getMaxLifetime() + " ms; every pool must have " + this.poolSize + " and "
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
		return new BenchmarkPool(dataSource, dataSource);
	}

	private BenchmarkPool starter() {
		ConfigurableApplicationContext context = this.applications.start(Variant.STARTER);
		// B starts with lakebase.fail-fast=false, so its start made no workspace call. Give it the
		// head start A has: host and role resolved, OAuth token held. Only credential calls differ.
		context.getBean(LakebaseResolver.class).resolve();
		context.getBean(WorkspaceClient.class).config().authenticate();
		return new BenchmarkPool(context.getBean(HikariDataSource.class), context);
	}

	private BenchmarkPool staticPassword() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.target.jdbcUrl());
		dataSource.setUsername(this.target.username());
		dataSource.setPassword(this.target.staticPassword());
		dataSource.setPoolName(Variant.STATIC_PASSWORD.poolName());
		dataSource.setMaximumPoolSize(this.poolSize);
		dataSource.setMaxLifetime(GuidePattern.MAX_LIFETIME.toMillis());
		return new BenchmarkPool(dataSource, dataSource);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
