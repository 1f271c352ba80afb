package io.geomachine.core.messaging;

import io.geomachine.core.model.WireNames;

/**
 * Logical message destinations. Each service maps the ones it sends to onto its outgoing channels;
 * the physical queue names are configuration (Artemis locally, Azure Service Bus in production).
 */
public enum Destination {
  /** Job-level commands for the orchestrator: start a job, a stage has completed. */
  JOBS("jobs"),
  /** Tasks for worker-raster. */
  RASTER_TASKS("tasks.raster"),
  /** Tasks for worker-vector. */
  VECTOR_TASKS("tasks.vector"),
  /** Messages no consumer could parse or route, with the reason. */
  DEAD_LETTERS("dead-letters");

  private final String logicalName;

  Destination(String logicalName) {
    this.logicalName = logicalName;
  }

  public String logicalName() {
    return logicalName;
  }

  public static Destination fromLogicalName(String name) {
    return WireNames.find(values(), Destination::logicalName, name)
        .orElseThrow(() -> new IllegalArgumentException("unknown destination " + name));
  }
}
