package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseFailureAnalysisIT} on Spring Boot 4.x.
 */
class LakebaseFailureAnalysisIT extends AbstractLakebaseFailureAnalysisIT {

	LakebaseFailureAnalysisIT() {
		super(new Boot4Line());
	}

}
