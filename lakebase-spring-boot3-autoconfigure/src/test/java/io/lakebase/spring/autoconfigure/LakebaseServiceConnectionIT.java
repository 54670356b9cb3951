package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseServiceConnectionIT} on Spring Boot 3.5 (skipped without Docker).
 */
class LakebaseServiceConnectionIT extends AbstractLakebaseServiceConnectionIT {

}
