package io.geomachine.core.model;

import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import java.time.LocalDateTime;

/**
 * GeoMachine's addition to the seed schema: every message that was dead-lettered, kept for
 * operators to list and re-drive ({@code GET /api/dead-letters}). A row is written in the same
 * transaction as the dead-letter envelope on {@code geomachine.dead-letters} (a message a consumer
 * could not parse or route), or by the janitor for a message the broker moved to its DLQ after too
 * many deliveries (source {@code DLQ}).
 */
@Table("dead_letters")
@Index(
    name = "idx_dead_letters_dead_lettered_at",
    columns = {"dead_lettered_at DESC", "id DESC"})
@Index(name = "idx_dead_letters_job_id", columns = "job_id")
public record DeadLetteredMessage(
    @Column(type = "BIGINT GENERATED ALWAYS AS IDENTITY", primaryKey = true) long id,
    /** The queue (or consumer channel) the message came from, or {@code DLQ}. */
    @Column(type = "VARCHAR(200)") String source,
    /** Why it was dead-lettered. */
    @Column(type = "VARCHAR") String reason,
    /** The original message, as text, exactly as it arrived (NUL characters aside). */
    @Column(type = "TEXT") String payload,
    /** The job the message names, when it is a JSON object with a {@code job_id}. */
    @Column(type = "VARCHAR(64)", nullable = true) String jobId,
    /** The task the message names, when it is a JSON object with a {@code task_id}. */
    @Column(type = "VARCHAR(100)", nullable = true) String taskId,
    @Column(defaultValue = "NOW()") LocalDateTime deadLetteredAt,
    /** When it was last re-driven; null if never. */
    @Column(nullable = true) LocalDateTime redrivenAt,
    @Column(defaultValue = "0") int redriveCount) {}
