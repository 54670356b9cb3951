package io.lakebase.spring.sample;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Notes in the {@code note} table.
 */
@Repository
public class NoteRepository {

	private final JdbcClient jdbc;

	public NoteRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Note create(NoteRequest request) {
		return this.jdbc.sql("INSERT INTO note (title, body) VALUES (:title, :body) RETURNING *")
			.param("title", request.title())
			.param("body", request.bodyOrEmpty())
			.query(NoteRepository::map)
			.single();
	}

	// Read-only transactions: with lakebase.read-only.* set, they run on the read replica.
	@Transactional(readOnly = true)
	public List<Note> findAll() {
		return this.jdbc.sql("SELECT * FROM note ORDER BY id").query(NoteRepository::map).list();
	}

	@Transactional(readOnly = true)
	public Optional<Note> findById(long id) {
		return this.jdbc.sql("SELECT * FROM note WHERE id = :id").param("id", id).query(NoteRepository::map).optional();
	}

	public Optional<Note> update(long id, NoteRequest request) {
		return this.jdbc
			.sql("UPDATE note SET title = :title, body = :body, updated_at = now() WHERE id = :id RETURNING *")
			.param("id", id)
			.param("title", request.title())
			.param("body", request.bodyOrEmpty())
			.query(NoteRepository::map)
			.optional();
	}

	public boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM note WHERE id = :id").param("id", id).update() == 1;
	}

	private static Note map(ResultSet row, int rowNumber) throws SQLException {
		return new Note(row.getLong("id"), row.getString("title"), row.getString("body"),
				row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
	}

}
