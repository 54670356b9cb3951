package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseIntegrationIT} on Spring Boot 4.x.
 */
class LakebaseIntegrationIT extends AbstractLakebaseIntegrationIT {

	LakebaseIntegrationIT() {
		super(new Boot4Line());
	}

}
