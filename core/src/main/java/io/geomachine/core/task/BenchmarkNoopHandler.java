package io.geomachine.core.task;

import io.geomachine.core.job.BenchmarkTasksJob;
import io.vertx.core.json.JsonObject;

/** The no-op task of {@link BenchmarkTasksJob}. */
public final class BenchmarkNoopHandler implements TaskHandler {
  @Override
  public String taskType() {
    return BenchmarkTasksJob.TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) {
    return null;
  }
}
