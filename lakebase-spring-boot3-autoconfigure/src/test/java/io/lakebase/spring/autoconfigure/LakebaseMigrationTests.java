package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseMigrationTests} on Spring Boot 3.5.
 */
class LakebaseMigrationTests extends AbstractLakebaseMigrationTests {

}
