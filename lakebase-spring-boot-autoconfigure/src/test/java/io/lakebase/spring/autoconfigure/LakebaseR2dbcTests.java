package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseR2dbcTests} on Spring Boot 4.x.
 */
class LakebaseR2dbcTests extends AbstractLakebaseR2dbcTests {

	LakebaseR2dbcTests() {
		super(new Boot4Line());
	}

}
