package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.StateMachine;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The life of a task.
 *
 * <pre>
 *   queued ──claimed by a worker──▶ processing ──handler succeeded──▶ completed
 *                                      ├──permanent failure or retries exhausted──▶ failed
 *                                      ├──retryable failure──▶ pending_retry ──backoff elapsed, re-sent──▶ retrying
 *                                      └──job cancelled──▶ cancelled            retrying ──claimed──▶ processing
 *   queued | pending_retry | retrying ──job cancelled──▶ cancelled
 *   failed | cancelled ──explicit job re-run──▶ queued
 * </pre>
 *
 * A task counts as done for its stage when it is {@code completed} or {@code failed}.
 */
@PgEnum("task_status")
public enum TaskStatus implements StateMachine<TaskStatus> {
  QUEUED,
  PROCESSING,
  COMPLETED,
  FAILED,
  RETRYING,
  PENDING_RETRY,
  CANCELLED;

  /** Statuses from which a worker may claim the task. */
  public static final Set<TaskStatus> CLAIMABLE = EnumSet.of(QUEUED, RETRYING);

  @Override
  public Set<TaskStatus> allowedNext() {
    return switch (this) {
      case QUEUED -> EnumSet.of(PROCESSING, CANCELLED);
      case PROCESSING -> EnumSet.of(COMPLETED, FAILED, PENDING_RETRY, CANCELLED);
      case PENDING_RETRY -> EnumSet.of(RETRYING, FAILED, CANCELLED);
      case RETRYING -> EnumSet.of(PROCESSING, FAILED, CANCELLED);
      case FAILED, CANCELLED -> EnumSet.of(QUEUED);
      case COMPLETED -> EnumSet.noneOf(TaskStatus.class);
    };
  }

  @Override
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskStatus fromSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
