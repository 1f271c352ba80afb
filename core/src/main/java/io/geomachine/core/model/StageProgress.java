package io.geomachine.core.model;

import io.geomachine.core.schema.Check;
import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Table;

/**
 * GeoMachine's addition to the seed schema: how many tasks a stage has and how many are done.
 * {@code app.complete_task_and_check_stage} decrements it, so finding the last task of a stage is
 * O(1) instead of counting the stage's tasks under a lock on every completion (which capped a stage
 * at a few hundred completions per second).
 */
@Table("stage_progress")
@Check(
    name = "ck_stage_progress_done_range",
    expression = "tasks_done >= 0 AND tasks_done <= task_count")
public record StageProgress(
    @Column(
            type = "VARCHAR(64)",
            primaryKey = true,
            referencesTable = "jobs",
            referencesColumn = "job_id")
        String jobId,
    @Column(primaryKey = true) int stage,
    @Column int taskCount,
    @Column(defaultValue = "0") int tasksDone) {}
