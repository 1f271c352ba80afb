package io.geomachine.core.job;

import io.geomachine.core.model.TaskStatus;
import io.vertx.core.json.JsonObject;

/** What one finished task produced. */
public record TaskResult(
    String taskId, String taskIndex, TaskStatus status, JsonObject result, String error) {

  public boolean succeeded() {
    return status == TaskStatus.COMPLETED;
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("task_index", taskIndex).put("status", status.sqlValue());
    if (result != null) {
      json.put("result", result);
    }
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
