package io.lakebase.spring.sample;

import java.net.URI;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.validation.Valid;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's own view, with LAKEBASE_ONBEHALFOF_ENABLED=true: every statement runs under
 * the user's Postgres role through {@code lakebaseUserDataSource}, so that Postgres grants and
 * row-level security apply to the person, not to the app. Without a user token the answer is 401;
 * for a user without a Postgres role, 403.
 */
@RestController
@RequestMapping("/me")
@ConditionalOnBooleanProperty("lakebase.on-behalf-of.enabled")
public class MeController {

	private final JdbcClient jdbc;

	public MeController(@Qualifier("lakebaseUserDataSource") DataSource userDataSource) {
		this.jdbc = JdbcClient.create(userDataSource);
	}

	@GetMapping
	Map<String, Object> me() {
		return this.jdbc.sql("SELECT current_user AS role, session_user AS session_role")
			.query((row, number) -> Map.<String, Object>of("role", row.getString("role"), "sessionRole",
					row.getString("session_role")))
			.single();
	}

	@GetMapping("/notes")
	List<PrivateNote> notes() {
		return this.jdbc.sql("SELECT id, owner, title FROM private_note ORDER BY id")
			.query((row, number) -> new PrivateNote(row.getLong("id"), row.getString("owner"), row.getString("title")))
			.list();
	}

	@PostMapping("/notes")
	ResponseEntity<PrivateNote> create(@Valid @RequestBody NoteRequest request) {
		PrivateNote note = this.jdbc.sql("INSERT INTO private_note (title) VALUES (:title) RETURNING id, owner, title")
			.param("title", request.title())
			.query((row, number) -> new PrivateNote(row.getLong("id"), row.getString("owner"), row.getString("title")))
			.single();
		return ResponseEntity.created(URI.create("/me/notes/" + note.id())).body(note);
	}

	/**
	 * A note only its owner sees.
	 * @param id the id
	 * @param owner the owner's Postgres role (their email)
	 * @param title the title
	 */
	record PrivateNote(long id, String owner, String title) {
	}

}
