package io.lakebase.spring.autoconfigure;

import io.lakebase.jdbc.LakebaseConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link LakebaseConfigurationException} into a report naming the {@code lakebase.*}
 * property and the fix.
 */
class InvalidLakebasePropertyFailureAnalyzer extends AbstractFailureAnalyzer<LakebaseConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LakebaseConfigurationException cause) {
		String description = cause.getMessage();
		return new FailureAnalysis(description.endsWith(".") ? description : description + ".",
				"Update 'lakebase." + cause.getSetting() + "': " + cause.getAction(), cause);
	}

}
