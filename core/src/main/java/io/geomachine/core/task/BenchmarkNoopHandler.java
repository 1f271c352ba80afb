package io.geomachine.core.task;

import io.geomachine.core.job.BenchmarkTasksJob;
import io.vertx.core.json.JsonObject;

/** The no-op task of {@link BenchmarkTasksJob}. */
public final class BenchmarkNoopHandler implements TaskHandler {
  @Override
  public String taskType() {
    return BenchmarkTasksJob.TASK;
  }

  /** Does nothing, or sleeps {@code task_ms} (interruptibly: a cancelled job stops it). */
  @Override
  public JsonObject handle(TaskInput input) throws InterruptedException {
    long millis = input.parameters().getLong("task_ms", 0L);
    if (millis > 0) {
      Thread.sleep(millis);
    }
    return null;
  }
}
