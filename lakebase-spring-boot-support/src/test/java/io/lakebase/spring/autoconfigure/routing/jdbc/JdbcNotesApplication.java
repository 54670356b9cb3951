package io.lakebase.spring.autoconfigure.routing.jdbc;

import io.lakebase.spring.autoconfigure.MigrationAutoConfigurations;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.annotation.Id;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Data JDBC and {@code JdbcClient} web application on the Lakebase routing data source:
 * a request that reads a note (read-only, on the replica) and saves it (on the primary), and one
 * that reads, writes and reads again, telling which host served each read.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.FLYWAY_BOOT4,
		MigrationAutoConfigurations.LIQUIBASE_BOOT4, MigrationAutoConfigurations.FLYWAY_BOOT3,
		MigrationAutoConfigurations.LIQUIBASE_BOOT3, MigrationAutoConfigurations.HIBERNATE_BOOT4,
		MigrationAutoConfigurations.HIBERNATE_BOOT3, MigrationAutoConfigurations.DATA_JPA_BOOT4,
		MigrationAutoConfigurations.DATA_JPA_BOOT3,
		MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT4, MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT3 })
@EnableJdbcRepositories(considerNestedRepositories = true)
@Import({ JdbcNotesApplication.NotesController.class, JdbcNotesApplication.Reads.class })
public class JdbcNotesApplication {

	/** A note, an aggregate of Spring Data JDBC. */
	@Table("jdbc_notes")
	public record JdbcNote(@Id Long id, String title) {
	}

	/** The notes, with Spring Data JDBC's defaults: reads in read-only transactions. */
	public interface JdbcNotes extends ListCrudRepository<JdbcNote, Long> {

	}

	/** Reads and writes through {@code JdbcClient} in transactions of a service. */
	public static class Reads {

		private final JdbcClient jdbc;

		public Reads(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public String readOnlyHost() {
			return this.jdbc.sql("select current_setting('lakebase_local.host')").query(String.class).single();
		}

		@Transactional
		public void rename(long id, String title) {
			this.jdbc.sql("update jdbc_notes set title = ? where id = ?").params(title, id).update();
		}

	}

	@RestController
	static class NotesController {

		private final JdbcNotes notes;

		private final Reads reads;

		NotesController(JdbcNotes notes, Reads reads) {
			this.notes = notes;
			this.reads = reads;
		}

		// Spring Data JDBC: findById, then save, in one request.
		@PutMapping("/jdbc/notes/{id}")
		String rename(@PathVariable long id, @RequestParam String title) {
			String before = this.reads.readOnlyHost();
			JdbcNote note = this.notes.findById(id).orElseThrow();
			this.notes.save(new JdbcNote(note.id(), title));
			return before + " " + this.reads.readOnlyHost();
		}

		// JdbcClient: a read, a write, a read: the second read is the primary's.
		@PostMapping("/jdbc/notes/{id}/read-write-read")
		String readWriteRead(@PathVariable long id, @RequestParam String title) {
			String first = this.reads.readOnlyHost();
			this.reads.rename(id, title);
			return first + " " + this.reads.readOnlyHost();
		}

	}

}
