package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseFailureAnalysisTests} on Spring Boot 3.5.
 */
class LakebaseFailureAnalysisTests extends AbstractLakebaseFailureAnalysisTests {

	LakebaseFailureAnalysisTests() {
		super(new Boot3Line());
	}

}
