package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseFailureAnalysisIT} on Spring Boot 3.5.
 */
class LakebaseFailureAnalysisIT extends AbstractLakebaseFailureAnalysisIT {

	LakebaseFailureAnalysisIT() {
		super(new Boot3Line());
	}

}
