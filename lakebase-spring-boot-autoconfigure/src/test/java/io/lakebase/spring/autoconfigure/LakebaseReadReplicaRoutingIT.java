package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaRoutingIT} on Spring Boot 4.x.
 */
class LakebaseReadReplicaRoutingIT extends AbstractLakebaseReadReplicaRoutingIT {

	LakebaseReadReplicaRoutingIT() {
		super(new Boot4Line());
	}

}
