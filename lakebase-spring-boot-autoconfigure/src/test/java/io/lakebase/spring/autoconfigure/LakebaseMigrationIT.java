package io.lakebase.spring.autoconfigure;

/**
 * The shared {@link AbstractLakebaseMigrationIT} on Spring Boot 4.x.
 */
class LakebaseMigrationIT extends AbstractLakebaseMigrationIT {

}
