package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseMigrationTests} on Spring Boot 4.x.
 */
class LakebaseMigrationTests extends AbstractLakebaseMigrationTests {

}
