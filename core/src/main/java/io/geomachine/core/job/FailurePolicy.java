package io.geomachine.core.job;

/** What a failed task does to its job. */
public enum FailurePolicy {
  /** The job fails as soon as a stage ends with a failed task. */
  FAIL_JOB,
  /** The job runs on with the tasks that succeeded and ends {@code completed_with_errors}. */
  COMPLETE_WITH_ERRORS
}
