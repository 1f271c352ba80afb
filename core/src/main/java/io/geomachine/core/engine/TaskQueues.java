package io.geomachine.core.engine;

import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;

/** Which queue a task's message goes to: its job definition's stage says. */
final class TaskQueues {
  private TaskQueues() {}

  /** The stage's task queue, or {@link Destination#DEAD_LETTERS} for an unknown job type. */
  static Destination of(JobRegistry registry, String jobType, int stage) {
    return registry
        .find(jobType)
        .map(d -> d.stage(stage).queue().destination())
        .orElse(Destination.DEAD_LETTERS);
  }
}
