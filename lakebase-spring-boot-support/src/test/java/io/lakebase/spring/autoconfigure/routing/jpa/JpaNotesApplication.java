package io.lakebase.spring.autoconfigure.routing.jpa;

import io.lakebase.spring.autoconfigure.MigrationAutoConfigurations;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Table;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Data JPA web application, as Spring Boot sets one up (Hibernate, open-in-view on), on
 * the Lakebase routing data source: one request reads a note (a read-only transaction, so on the
 * replica), renames it and saves it (a read-write transaction, on the primary), and tells which
 * host served a read-only transaction before and after.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.FLYWAY_BOOT4,
		MigrationAutoConfigurations.LIQUIBASE_BOOT4, MigrationAutoConfigurations.FLYWAY_BOOT3,
		MigrationAutoConfigurations.LIQUIBASE_BOOT3, MigrationAutoConfigurations.DATA_JDBC_BOOT4,
		MigrationAutoConfigurations.DATA_JDBC_BOOT3,
		MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT4, MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT3 })
@EnableJpaRepositories(considerNestedRepositories = true)
@Import({ JpaNotesApplication.NotesController.class, JpaNotesApplication.Hosts.class })
public class JpaNotesApplication {

	/** A note. */
	@Entity
	@Table(name = "jpa_notes")
	public static class JpaNote {

		@Id
		private Long id;

		private String title;

		public Long getId() {
			return this.id;
		}

		public void setId(Long id) {
			this.id = id;
		}

		public String getTitle() {
			return this.title;
		}

		public void setTitle(String title) {
			this.title = title;
		}

	}

	/** The notes, with Spring Data JPA's defaults: reads in read-only transactions. */
	public interface JpaNotes extends JpaRepository<JpaNote, Long> {

	}

	/** Which host serves a read-only transaction, and a note's title as the primary has it. */
	public static class Hosts {

		@PersistenceContext
		private EntityManager entityManager;

		@Transactional(readOnly = true)
		public String readOnlyHost() {
			return (String) this.entityManager.createNativeQuery("select current_setting('lakebase_local.host')")
				.getSingleResult();
		}

		@Transactional
		public String titleOnThePrimary(long id) {
			return (String) this.entityManager.createNativeQuery("select title from jpa_notes where id = " + id)
				.getSingleResult();
		}

	}

	@RestController
	static class NotesController {

		private final JpaNotes notes;

		private final Hosts hosts;

		NotesController(JpaNotes notes, Hosts hosts) {
			this.notes = notes;
			this.hosts = hosts;
		}

		// findById, then save, in one request: with open-in-view, one JDBC connection for both.
		@PutMapping("/jpa/notes/{id}")
		String rename(@PathVariable long id, @RequestParam String title) {
			String before = this.hosts.readOnlyHost();
			JpaNote note = this.notes.findById(id).orElseThrow();
			note.setTitle(title);
			this.notes.save(note);
			return before + " " + this.hosts.readOnlyHost();
		}

	}

}
