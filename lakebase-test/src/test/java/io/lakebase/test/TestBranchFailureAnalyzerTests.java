package io.lakebase.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the start-up failure report of a test branch that could not be made.
 */
class TestBranchFailureAnalyzerTests {

	@Test
	void namesThePropertyToChange() {
		TestBranchException cause = new TestBranchException("lakebase.test.parent",
				"lakebase.test.parent is projects/shop/branches/mian, which does not exist");

		FailureAnalysis analysis = new TestBranchFailureAnalyzer()
			.analyze(new IllegalStateException("Failed to load ApplicationContext", cause));

		assertThat(analysis.getDescription()).contains("Lakebase test branch: ",
				"projects/shop/branches/mian, which does not exist");
		assertThat(analysis.getAction()).contains("Change lakebase.test.parent", "LAKEBASE_TEST_PARENT");
	}

}
