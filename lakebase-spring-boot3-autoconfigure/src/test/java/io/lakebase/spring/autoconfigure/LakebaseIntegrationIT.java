package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseIntegrationIT} on Spring Boot 3.5.
 */
class LakebaseIntegrationIT extends AbstractLakebaseIntegrationIT {

	LakebaseIntegrationIT() {
		super(new Boot3Line());
	}

}
