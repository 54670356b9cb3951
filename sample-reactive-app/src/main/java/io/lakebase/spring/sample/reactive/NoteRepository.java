package io.lakebase.spring.sample.reactive;

import reactor.core.publisher.Flux;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Notes in the {@code note} table, through Spring Data R2DBC.
 */
public interface NoteRepository extends ReactiveCrudRepository<Note, Long> {

	Flux<Note> findAllByOrderByIdAsc();

}
