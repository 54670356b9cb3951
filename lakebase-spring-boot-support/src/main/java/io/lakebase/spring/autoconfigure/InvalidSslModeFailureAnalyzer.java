package io.lakebase.spring.autoconfigure;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.lakebase.jdbc.SslMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a {@code lakebase.ssl.mode} that is no SSL mode with the modes as PgJDBC and libpq
 * spell them and what each does, ahead of Spring Boot's generic report on a failed conversion.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidSslModeFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final String PROPERTY = "lakebase.ssl.mode";

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		if (property == null || !PROPERTY.equals(property.getName().toString())) {
			return null;
		}
		String modes = Arrays.stream(SslMode.values()).map(SslMode::jdbcValue).collect(Collectors.joining(", "));
		String origin = (property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
		return new FailureAnalysis("'" + property.getValue() + "' is not an SSL mode for " + PROPERTY + origin
				+ ". The modes are " + modes + ".",
				"Remove " + PROPERTY + " to use verify-full (checks the server's certificate and host name), or set "
						+ "verify-ca (checks the certificate only) or require (encrypts without checking, unless "
						+ "lakebase.ssl.root-cert is set). disable, allow and prefer are only for a local emulator on "
						+ "a loopback address.",
				cause);
	}

}
