package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaTests} on Spring Boot 4.x.
 */
class LakebaseReadReplicaTests extends AbstractLakebaseReadReplicaTests {

	LakebaseReadReplicaTests() {
		super(new Boot4Line());
	}

}
