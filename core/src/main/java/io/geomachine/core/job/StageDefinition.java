package io.geomachine.core.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** One stage of a job definition: what its tasks are called, where they run, how they're built. */
public record StageDefinition(
    String name, String taskType, StageKind kind, TaskQueue queue, StagePlanner planner) {

  public static StageDefinition single(
      String name, String taskType, TaskQueue queue, StagePlanner planner) {
    return new StageDefinition(name, taskType, StageKind.SINGLE, queue, planner);
  }

  public static StageDefinition fanOut(
      String name, String taskType, TaskQueue queue, StagePlanner planner) {
    return new StageDefinition(name, taskType, StageKind.FAN_OUT, queue, planner);
  }

  /**
   * One task, index {@code "0"}, whose parameters are the job's parameters plus {@code inputs}:
   * every successful result of the previous stage, each with its task index.
   */
  public static StageDefinition fanIn(String name, String taskType, TaskQueue queue) {
    StagePlanner planner =
        ctx -> {
          JsonArray inputs = new JsonArray();
          for (TaskResult r : ctx.previousResults()) {
            inputs.add(new JsonObject().put("task_index", r.taskIndex()).put("result", r.result()));
          }
          return List.of(new TaskSpec("0", ctx.jobParameters().copy().put("inputs", inputs)));
        };
    return new StageDefinition(name, taskType, StageKind.FAN_IN, queue, planner);
  }
}
