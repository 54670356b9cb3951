package io.lakebase.spring.sample.reactive;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * What a client sends to create a note.
 *
 * @param title the title, required
 * @param body the text, optional
 */
public record NoteRequest(@NotBlank @Size(max = 200) String title, @Size(max = 10_000) @Nullable String body) {

	Note toNote() {
		return new Note(null, this.title, (this.body != null) ? this.body : "", null);
	}

}
