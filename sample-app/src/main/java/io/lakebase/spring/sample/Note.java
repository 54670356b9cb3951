package io.lakebase.spring.sample;

import java.time.Instant;

/**
 * A stored note.
 *
 * @param id the id
 * @param title the title
 * @param body the text
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 */
public record Note(long id, String title, String body, Instant createdAt, Instant updatedAt) {
}
