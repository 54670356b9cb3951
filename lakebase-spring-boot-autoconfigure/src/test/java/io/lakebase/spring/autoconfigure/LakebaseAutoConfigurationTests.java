package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseAutoConfigurationTests} on Spring Boot 4.x.
 */
class LakebaseAutoConfigurationTests extends AbstractLakebaseAutoConfigurationTests {

	LakebaseAutoConfigurationTests() {
		super(new Boot4Line());
	}

}
