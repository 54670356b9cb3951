package io.lakebase.spring.autoconfigure;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports Boot's "'url' attribute is not specified" for an application that has the starter but
 * neither {@code lakebase.endpoint} nor {@code lakebase.instance}: it names them, ahead of Boot's
 * own report, which speaks of embedded databases only.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MissingDataSourceUrlFailureAnalyzer implements FailureAnalyzer {

	// Boot's DataSourceProperties.DataSourceBeanCreationException, in the Boot 4 and Boot 3 packages.
	private static final Set<String> DATA_SOURCE_BEAN_CREATION_EXCEPTIONS = Set.of(
			"org.springframework.boot.jdbc.autoconfigure.DataSourceProperties$DataSourceBeanCreationException",
			"org.springframework.boot.autoconfigure.jdbc.DataSourceProperties$DataSourceBeanCreationException");

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (DATA_SOURCE_BEAN_CREATION_EXCEPTIONS.contains(cause.getClass().getName())) {
				return new FailureAnalysis("Failed to configure a DataSource: neither lakebase.endpoint nor "
						+ "lakebase.instance is set, and no spring.datasource.url either (" + cause.getMessage() + ").",
						"Set lakebase.endpoint to projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id> "
								+ "(Lakebase Autoscaling) or lakebase.instance to the instance name (Lakebase "
								+ "Provisioned), with the workspace in lakebase.workspace.* or DATABRICKS_*. "
								+ "To use another database, set spring.datasource.url. "
								+ "If these settings are in a profile, activate it.",
						cause);
			}
		}
		return null;
	}

}
