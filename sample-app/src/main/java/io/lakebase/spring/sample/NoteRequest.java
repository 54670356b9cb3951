package io.lakebase.spring.sample;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What a client sends to create or replace a note.
 *
 * @param title the title, required
 * @param body the text, optional
 */
public record NoteRequest(@NotBlank @Size(max = 200) String title, @Size(max = 10_000) String body) {

	String bodyOrEmpty() {
		return (this.body != null) ? this.body : "";
	}

}
