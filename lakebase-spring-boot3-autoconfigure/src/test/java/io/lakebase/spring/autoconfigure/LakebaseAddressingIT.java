package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseAddressingIT} on Spring Boot 3.5.
 */
class LakebaseAddressingIT extends AbstractLakebaseAddressingIT {

	LakebaseAddressingIT() {
		super(new Boot3Line());
	}

}
