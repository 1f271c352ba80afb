package io.geomachine.core.model;

import io.geomachine.core.schema.Check;
import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import io.geomachine.core.schema.UpdatedAtTrigger;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;

/**
 * A job: one run of a job definition over validated parameters. The id is derived from the job type
 * and parameters ({@link io.geomachine.core.job.JobIds}), so the same request is the same job.
 */
@Table("jobs")
@Index(name = "idx_jobs_status", columns = "status")
@Index(name = "idx_jobs_job_type", columns = "job_type")
@Index(name = "idx_jobs_created_at", columns = "created_at")
@Index(name = "idx_jobs_updated_at", columns = "updated_at")
@Check(name = "ck_jobs_stage_range", expression = "stage >= 1 AND stage <= total_stages")
@UpdatedAtTrigger
public record Job(
    @Column(type = "VARCHAR(64)", primaryKey = true) String jobId,
    @Column(type = "VARCHAR(100)") String jobType,
    @Column(defaultValue = "'{}'") JsonObject parameters,
    @Column(defaultValue = "queued") JobStatus status,
    @Column(defaultValue = "1") int stage,
    @Column(defaultValue = "1") int totalStages,
    /** Aggregated results of every finished stage, keyed by stage number. */
    @Column(defaultValue = "'{}'") JsonObject stageResults,
    @Column(defaultValue = "'{}'") JsonObject metadata,
    @Column(nullable = true) JsonObject resultData,
    @Column(nullable = true) String errorDetails,
    @Column(defaultValue = "NOW()") LocalDateTime createdAt,
    @Column(defaultValue = "NOW()") LocalDateTime updatedAt,
    /**
     * When the outbox relay handed this job's {@code start_job} message to the broker; null while
     * it waits in the outbox. The orphan detector re-publishes a job still queued long after this.
     */
    @Column(nullable = true) LocalDateTime publishedAt) {}
