package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseServiceConnectionTests} on Spring Boot 4.x (skipped without Docker).
 */
class LakebaseServiceConnectionTests extends AbstractLakebaseServiceConnectionTests {

}
