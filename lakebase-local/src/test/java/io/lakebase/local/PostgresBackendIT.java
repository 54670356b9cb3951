package io.lakebase.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PostgresBackend}: only the first embedded server of a JVM runs {@code initdb}; the next
 * ones start on a copy of the cluster it made ({@link ClusterTemplate}), each secured with its
 * own superuser password.
 */
class PostgresBackendIT {

	// What initdb prints at its start.
	private static final String INITDB_OUTPUT = "The files belonging to this database system";

	@TempDir
	Path directory;

	@Test
	void aFurtherServerStartsOnACopyOfTheFirstClusterWithoutInitdb() throws Exception {
		Path first = Files.createDirectories(this.directory.resolve("first"));
		Path second = Files.createDirectories(this.directory.resolve("second"));
		// The constructor makes a database and roles as the superuser with its own password: it
		// fails unless the server started and was secured.
		try (PostgresBackend one = new PostgresBackend(first, "one", "internal-1", "superuser-1", Set.of());
				PostgresBackend two = new PostgresBackend(second, "two", "internal-2", "superuser-2", Set.of())) {
			assertThat(one.port()).isNotEqualTo(two.port());
			assertThat(Files.readString(second.resolve("postgres.log"))).doesNotContain(INITDB_OUTPUT)
				.contains("database system is ready to accept connections");
			assertThat(second.resolve("pgdata").resolve("PG_VERSION")).exists();
		}
	}

}
