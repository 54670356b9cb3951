package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseAutoConfigurationTests} on Spring Boot 3.5.
 */
class LakebaseAutoConfigurationTests extends AbstractLakebaseAutoConfigurationTests {

	LakebaseAutoConfigurationTests() {
		super(new Boot3Line());
	}

}
