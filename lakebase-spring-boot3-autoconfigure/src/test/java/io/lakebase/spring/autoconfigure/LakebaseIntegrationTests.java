package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseIntegrationTests} on Spring Boot 3.5.
 */
class LakebaseIntegrationTests extends AbstractLakebaseIntegrationTests {

	LakebaseIntegrationTests() {
		super(new Boot3Line());
	}

}
