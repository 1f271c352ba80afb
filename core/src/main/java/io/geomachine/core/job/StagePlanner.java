package io.geomachine.core.job;

import java.util.List;

/** Builds a stage's tasks. Must be deterministic: the same context gives the same tasks. */
@FunctionalInterface
public interface StagePlanner {
  List<TaskSpec> plan(StageContext context);
}
