package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaRoutingTests} on Spring Boot 3.5.
 */
class LakebaseReadReplicaRoutingTests extends AbstractLakebaseReadReplicaRoutingTests {

	LakebaseReadReplicaRoutingTests() {
		super(new Boot3Line());
	}

}
