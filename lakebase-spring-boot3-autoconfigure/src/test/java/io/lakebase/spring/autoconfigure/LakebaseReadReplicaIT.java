package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaIT} on Spring Boot 3.5.
 */
class LakebaseReadReplicaIT extends AbstractLakebaseReadReplicaIT {

	LakebaseReadReplicaIT() {
		super(new Boot3Line());
	}

}
