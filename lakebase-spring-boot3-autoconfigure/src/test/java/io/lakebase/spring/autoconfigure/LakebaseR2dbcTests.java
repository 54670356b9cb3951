package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseR2dbcTests} on Spring Boot 3.5.
 */
class LakebaseR2dbcTests extends AbstractLakebaseR2dbcTests {

	LakebaseR2dbcTests() {
		super(new Boot3Line());
	}

}
