package io.lakebase.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidLakebasePropertyException} into a report naming the property and the fix.
 */
class InvalidLakebasePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLakebasePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLakebasePropertyException cause) {
		return new FailureAnalysis(cause.getMessage() + ".", "Update '" + cause.getProperty() + "': " + cause.getAction(),
				cause);
	}

}
