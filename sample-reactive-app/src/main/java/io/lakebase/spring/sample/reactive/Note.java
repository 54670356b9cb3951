package io.lakebase.spring.sample.reactive;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A stored note.
 *
 * @param id the id, {@code null} until stored
 * @param title the title
 * @param body the text
 * @param createdAt when it was created, {@code null} until stored
 */
@Table("note")
public record Note(@Id @Nullable Long id, String title, String body,
		@Column("created_at") @Nullable Instant createdAt) {
}
