package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseOnBehalfOfIT} on Spring Boot 3.5.
 */
class LakebaseOnBehalfOfIT extends AbstractLakebaseOnBehalfOfIT {

	LakebaseOnBehalfOfIT() {
		super(new Boot3Line());
	}

}
