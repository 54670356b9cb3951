package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseIntegrationTests} on Spring Boot 4.x.
 */
class LakebaseIntegrationTests extends AbstractLakebaseIntegrationTests {

	LakebaseIntegrationTests() {
		super(new Boot4Line());
	}

}
