package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaTests} on Spring Boot 3.5.
 */
class LakebaseReadReplicaTests extends AbstractLakebaseReadReplicaTests {

	LakebaseReadReplicaTests() {
		super(new Boot3Line());
	}

}
