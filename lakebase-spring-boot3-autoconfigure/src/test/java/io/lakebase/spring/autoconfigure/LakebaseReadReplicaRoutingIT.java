package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaRoutingIT} on Spring Boot 3.5.
 */
class LakebaseReadReplicaRoutingIT extends AbstractLakebaseReadReplicaRoutingIT {

	LakebaseReadReplicaRoutingIT() {
		super(new Boot3Line());
	}

}
