package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.SqlValue;
import java.util.Locale;

/**
 * The janitor's maintenance passes. The first three are seed 000's labels; {@code stale_jobs} and
 * {@code blob_cleanup} are GeoMachine's additions (docs/architecture.md).
 */
@PgEnum("janitor_run_type")
public enum JanitorRunType implements SqlValue {
  TASK_WATCHDOG,
  JOB_HEALTH,
  ORPHAN_DETECTOR,
  /** Jobs not terminal after the stale horizon are failed ({@code STALE_JOB}). */
  STALE_JOBS,
  /** Recorded blob artifacts of failed, cancelled and old completed jobs are deleted. */
  BLOB_CLEANUP;

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
