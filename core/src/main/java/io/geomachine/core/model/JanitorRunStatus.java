package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.SqlValue;
import java.util.Locale;

/** Outcome of one janitor pass. */
@PgEnum("janitor_run_status")
public enum JanitorRunStatus implements SqlValue {
  RUNNING,
  COMPLETED,
  FAILED;

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
