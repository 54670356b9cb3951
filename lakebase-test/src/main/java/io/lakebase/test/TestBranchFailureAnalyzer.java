package io.lakebase.test;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a test branch that could not be made, in a Spring test's start-up failure report: what
 * went wrong, and the property to change.
 *
 * @since 0.1.0
 */
public class TestBranchFailureAnalyzer extends AbstractFailureAnalyzer<TestBranchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TestBranchException cause) {
		if (cause.getProperty().equals("lakebase.endpoint")) {
			// The branch sets lakebase.endpoint itself: what to change is the application's own bean.
			return new FailureAnalysis("Lakebase test branch: " + cause.getMessage(),
					"Leave the application's own LakebaseConnectionDetails bean out of the tests (a test profile, "
							+ "@ConditionalOnProperty), or build it from lakebase.endpoint.",
					cause);
		}
		return new FailureAnalysis("Lakebase test branch: " + cause.getMessage(),
				"Change " + cause.getProperty() + " as described above (a test property, application.yml, a system "
						+ "property or the environment variable "
						+ TestBranchSettings.environmentVariable(cause.getProperty())
						+ "), then run the tests again.",
				cause);
	}

}
