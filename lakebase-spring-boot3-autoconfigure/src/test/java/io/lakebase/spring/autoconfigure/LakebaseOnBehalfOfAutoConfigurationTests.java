package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseOnBehalfOfAutoConfigurationTests} on Spring Boot 3.5.
 */
class LakebaseOnBehalfOfAutoConfigurationTests extends AbstractLakebaseOnBehalfOfAutoConfigurationTests {

	LakebaseOnBehalfOfAutoConfigurationTests() {
		super(new Boot3Line());
	}

}
