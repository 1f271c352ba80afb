package io.geomachine.core.job;

/** How a stage's tasks are built. */
public enum StageKind {
  /** Tasks built from the job's parameters (one or many). */
  SINGLE,
  /** Tasks built from the previous stage's results, typically one per result. */
  FAN_OUT,
  /** One task that receives every result of the previous stage. */
  FAN_IN
}
