package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseR2dbcIT} on Spring Boot 4.x.
 */
class LakebaseR2dbcIT extends AbstractLakebaseR2dbcIT {

	LakebaseR2dbcIT() {
		super(new Boot4Line());
	}

}
