package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseFailureAnalysisTests} on Spring Boot 4.x.
 */
class LakebaseFailureAnalysisTests extends AbstractLakebaseFailureAnalysisTests {

	LakebaseFailureAnalysisTests() {
		super(new Boot4Line());
	}

}
