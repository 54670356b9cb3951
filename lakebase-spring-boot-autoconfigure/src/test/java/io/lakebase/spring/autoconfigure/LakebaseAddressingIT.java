package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseAddressingIT} on Spring Boot 4.x.
 */
class LakebaseAddressingIT extends AbstractLakebaseAddressingIT {

	LakebaseAddressingIT() {
		super(new Boot4Line());
	}

}
