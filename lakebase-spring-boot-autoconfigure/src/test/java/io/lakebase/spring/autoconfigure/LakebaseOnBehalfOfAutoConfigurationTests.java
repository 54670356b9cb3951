package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseOnBehalfOfAutoConfigurationTests} on Spring Boot 4.x.
 */
class LakebaseOnBehalfOfAutoConfigurationTests extends AbstractLakebaseOnBehalfOfAutoConfigurationTests {

	LakebaseOnBehalfOfAutoConfigurationTests() {
		super(new Boot4Line());
	}

}
