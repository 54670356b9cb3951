package io.lakebase.spring.sample.reactive;

import java.net.URI;

import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The reactive notes API: create, list, get and delete. Invalid input answers 400.
 */
@RestController
@RequestMapping("/notes")
public class NoteController {

	private final NoteRepository notes;

	public NoteController(NoteRepository notes) {
		this.notes = notes;
	}

	@PostMapping
	Mono<ResponseEntity<Note>> create(@Valid @RequestBody NoteRequest request) {
		return this.notes.save(request.toNote())
			.map((note) -> ResponseEntity.created(URI.create("/notes/" + note.id())).body(note));
	}

	@GetMapping
	Flux<Note> list() {
		return this.notes.findAllByOrderByIdAsc();
	}

	@GetMapping("/{id}")
	Mono<Note> get(@PathVariable long id) {
		return this.notes.findById(id).switchIfEmpty(Mono.error(() -> notFound(id)));
	}

	@DeleteMapping("/{id}")
	Mono<ResponseEntity<Void>> delete(@PathVariable long id) {
		return this.notes.existsById(id)
			.flatMap((exists) -> exists ? this.notes.deleteById(id).thenReturn(ResponseEntity.noContent().<Void>build())
					: Mono.error(notFound(id)));
	}

	private static ResponseStatusException notFound(long id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No note " + id);
	}

}
