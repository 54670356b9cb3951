package io.lakebase.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports Spring Boot connection properties set beside an active Lakebase connection, with their
 * values masked.
 */
class ConflictingConnectionPropertiesFailureAnalyzer
		extends AbstractFailureAnalyzer<ConflictingConnectionPropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConflictingConnectionPropertiesException cause) {
		return new FailureAnalysis(cause.getMessage() + ".", cause.getAction(), cause);
	}

}
