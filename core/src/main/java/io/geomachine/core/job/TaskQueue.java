package io.geomachine.core.job;

import io.geomachine.core.messaging.Destination;

/** The worker pool a stage's tasks run on. */
public enum TaskQueue {
  RASTER(Destination.RASTER_TASKS),
  VECTOR(Destination.VECTOR_TASKS);

  private final Destination destination;

  TaskQueue(Destination destination) {
    this.destination = destination;
  }

  public Destination destination() {
    return destination;
  }
}
