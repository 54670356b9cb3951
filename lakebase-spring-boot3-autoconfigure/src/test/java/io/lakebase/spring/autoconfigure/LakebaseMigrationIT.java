package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseMigrationIT} on Spring Boot 3.5.
 */
class LakebaseMigrationIT extends AbstractLakebaseMigrationIT {

}
