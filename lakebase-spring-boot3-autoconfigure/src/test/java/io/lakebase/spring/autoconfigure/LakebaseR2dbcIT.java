package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseR2dbcIT} on Spring Boot 3.5.
 */
class LakebaseR2dbcIT extends AbstractLakebaseR2dbcIT {

	LakebaseR2dbcIT() {
		super(new Boot3Line());
	}

}
