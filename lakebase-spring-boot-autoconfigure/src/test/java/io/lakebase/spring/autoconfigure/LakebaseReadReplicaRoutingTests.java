package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaRoutingTests} on Spring Boot 4.x.
 */
class LakebaseReadReplicaRoutingTests extends AbstractLakebaseReadReplicaRoutingTests {

	LakebaseReadReplicaRoutingTests() {
		super(new Boot4Line());
	}

}
