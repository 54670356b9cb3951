package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseReadReplicaIT} on Spring Boot 4.x.
 */
class LakebaseReadReplicaIT extends AbstractLakebaseReadReplicaIT {

	LakebaseReadReplicaIT() {
		super(new Boot4Line());
	}

}
