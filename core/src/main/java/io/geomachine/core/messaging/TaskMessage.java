package io.geomachine.core.messaging;

import io.vertx.core.json.JsonObject;

/**
 * "Run this task", on a worker's task queue. The task's parameters stay in the database: the worker
 * reads them when it claims the task, so a message is small and never stale.
 *
 * <pre>{"schema_version":1,"task_id":"…","job_id":"…","task_type":"hello_world_greeting","stage":1}
 * </pre>
 */
public record TaskMessage(String taskId, String jobId, String taskType, int stage) {
  public static final int SCHEMA_VERSION = 1;
  private static final String KIND = "task message";

  public JsonObject toJson() {
    return new JsonObject()
        .put(Messages.SCHEMA_VERSION, SCHEMA_VERSION)
        .put("task_id", taskId)
        .put("job_id", jobId)
        .put("task_type", taskType)
        .put("stage", stage);
  }

  public static TaskMessage fromJson(JsonObject json) {
    Messages.requireVersion(json, KIND, SCHEMA_VERSION);
    return new TaskMessage(
        Messages.text(json, KIND, "task_id"),
        Messages.text(json, KIND, "job_id"),
        Messages.text(json, KIND, "task_type"),
        Messages.positiveInt(json, KIND, "stage"));
  }
}
