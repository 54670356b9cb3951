package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseServiceConnectionTests} on Spring Boot 3.5 (skipped without Docker).
 */
class LakebaseServiceConnectionTests extends AbstractLakebaseServiceConnectionTests {

}
