package io.geomachine.core.model;

import io.geomachine.core.schema.Check;
import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import io.geomachine.core.schema.UpdatedAtTrigger;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;

/** One unit of work of one stage of a job. The id is deterministic per job, stage and index. */
@Table("tasks")
@Index(name = "idx_tasks_parent_job_id", columns = "parent_job_id")
@Index(name = "idx_tasks_status", columns = "status")
@Index(
    name = "idx_tasks_job_stage",
    columns = {"parent_job_id", "stage"})
@Index(
    name = "idx_tasks_job_stage_status",
    columns = {"parent_job_id", "stage", "status"})
@Index(name = "idx_tasks_heartbeat", columns = "heartbeat", where = "heartbeat IS NOT NULL")
@Index(name = "idx_tasks_retry_count", columns = "retry_count", where = "retry_count > 0")
@Index(
    name = "idx_tasks_lease_expires_at",
    columns = "lease_expires_at",
    where = "status = 'processing'")
@Check(name = "ck_tasks_stage_positive", expression = "stage >= 1")
@Check(name = "ck_tasks_retry_count_non_negative", expression = "retry_count >= 0")
@UpdatedAtTrigger
public record Task(
    @Column(type = "VARCHAR(100)", primaryKey = true) String taskId,
    @Column(type = "VARCHAR(64)", referencesTable = "jobs", referencesColumn = "job_id")
        String parentJobId,
    @Column(type = "VARCHAR(100)") String jobType,
    @Column(type = "VARCHAR(100)") String taskType,
    @Column int stage,
    @Column(type = "VARCHAR(50)", defaultValue = "'0'") String taskIndex,
    @Column(defaultValue = "'{}'") JsonObject parameters,
    @Column(defaultValue = "queued") TaskStatus status,
    @Column(nullable = true) JsonObject resultData,
    @Column(defaultValue = "'{}'") JsonObject metadata,
    @Column(nullable = true) String errorDetails,
    @Column(defaultValue = "0") int retryCount,
    @Column(nullable = true) LocalDateTime heartbeat,
    @Column(nullable = true) JsonObject nextStageParams,
    @Column(defaultValue = "NOW()") LocalDateTime createdAt,
    @Column(defaultValue = "NOW()") LocalDateTime updatedAt,
    /** Until when the worker holding this task owns it; renewed by its heartbeat. */
    @Column(nullable = true) LocalDateTime leaseExpiresAt,
    /** The worker process holding the lease. */
    @Column(type = "VARCHAR(100)", nullable = true) String workerId,
    /** How many times a worker claimed this task (counts redeliveries the broker does not). */
    @Column(defaultValue = "0") int attempts,
    /** When a task waiting for a retry is due. */
    @Column(nullable = true) LocalDateTime nextAttemptAt,
    /**
     * When the outbox relay last handed this task's message to the broker; null while the message
     * waits in the outbox. The orphan detector re-publishes a task still waiting long after this.
     */
    @Column(nullable = true) LocalDateTime publishedAt) {}
