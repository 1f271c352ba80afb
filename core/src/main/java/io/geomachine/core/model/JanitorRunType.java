package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.SqlValue;
import java.util.Locale;

/** The janitor's maintenance passes. */
@PgEnum("janitor_run_type")
public enum JanitorRunType implements SqlValue {
  TASK_WATCHDOG,
  JOB_HEALTH,
  ORPHAN_DETECTOR;

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
