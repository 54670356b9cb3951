package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseOnBehalfOfIT} on Spring Boot 4.x.
 */
class LakebaseOnBehalfOfIT extends AbstractLakebaseOnBehalfOfIT {

	LakebaseOnBehalfOfIT() {
		super(new Boot4Line());
	}

}
