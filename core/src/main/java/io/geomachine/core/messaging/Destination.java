package io.geomachine.core.messaging;

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
    for (Destination d : values()) {
      if (d.logicalName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown destination " + name);
  }
}
