package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.StateMachine;
import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a job.
 *
 * <pre>
 *   queued ──start──▶ processing ──last stage advanced──▶ completed
 *     │                   ├──a failed task, policy FAIL_JOB──▶ failed
 *     │                   ├──last stage advanced with failed tasks, policy COMPLETE_WITH_ERRORS──▶ completed_with_errors
 *     │                   └──cancel──▶ cancelled
 *     ├──stage 1 could not be planned──▶ failed
 *     └──cancel──▶ cancelled
 *   failed | completed_with_errors | cancelled ──explicit re-run──▶ queued
 * </pre>
 *
 * {@code cancelled} is GeoMachine's addition to the seed's enum.
 */
@PgEnum("job_status")
public enum JobStatus implements StateMachine<JobStatus> {
  QUEUED,
  PROCESSING,
  COMPLETED,
  FAILED,
  COMPLETED_WITH_ERRORS,
  CANCELLED;

  @Override
  public Set<JobStatus> allowedNext() {
    return switch (this) {
      case QUEUED -> EnumSet.of(PROCESSING, FAILED, CANCELLED);
      case PROCESSING -> EnumSet.of(COMPLETED, FAILED, COMPLETED_WITH_ERRORS, CANCELLED);
      case FAILED, COMPLETED_WITH_ERRORS, CANCELLED -> EnumSet.of(QUEUED);
      case COMPLETED -> EnumSet.noneOf(JobStatus.class);
    };
  }

  @Override
  public boolean isTerminal() {
    return this != QUEUED && this != PROCESSING;
  }

  @Override
  public String sqlValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static JobStatus fromSql(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
