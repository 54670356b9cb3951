package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseServiceConnectionIT} on Spring Boot 4.x (skipped without Docker).
 */
class LakebaseServiceConnectionIT extends AbstractLakebaseServiceConnectionIT {

}
