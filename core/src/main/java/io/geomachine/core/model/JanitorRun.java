package io.geomachine.core.model;

import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;

/** One pass of a janitor job: what it scanned, what it fixed and how. */
@Table("janitor_runs")
@Index(name = "idx_janitor_runs_started_at", columns = "started_at DESC")
@Index(name = "idx_janitor_runs_type", columns = "run_type")
public record JanitorRun(
    @Column(type = "VARCHAR", primaryKey = true) String runId,
    /** A {@link JanitorRunType} label (VARCHAR as in seed 000). */
    @Column(type = "VARCHAR") String runType,
    @Column LocalDateTime startedAt,
    @Column(nullable = true) LocalDateTime completedAt,
    @Column(nullable = true) Integer durationMs,
    /** A {@link JanitorRunStatus} label (VARCHAR as in seed 000). */
    @Column(type = "VARCHAR", defaultValue = "'running'") String status,
    @Column(defaultValue = "0") int itemsScanned,
    @Column(defaultValue = "0") int itemsFixed,
    @Column JsonObject actionsTaken,
    @Column(nullable = true) String errorDetails) {}
