package io.geomachine.core.task;

import io.vertx.core.json.JsonObject;

/**
 * Runs one task type. Handlers are blocking (they call GDAL, read blobs) and run on worker threads;
 * they must be idempotent, because a task may run again after a crash.
 */
public interface TaskHandler {
  String taskType();

  /** The task's result, stored as its {@code result_data}. */
  JsonObject handle(TaskInput input) throws Exception;
}
