package io.geomachine.core.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The platform's smoke test: stage 1 sends n greetings (worker-raster), stage 2 answers each one
 * (worker-vector), so one job exercises both workers and a fan-out.
 */
public final class HelloWorldJob implements JobDefinition {
  public static final String TYPE = "hello_world";
  public static final String GREETING_TASK = "hello_world_greeting";
  public static final String REPLY_TASK = "hello_world_reply";

  private final ParameterSchema parameters =
      ParameterSchema.builder()
          .integer("n")
          .min(1)
          .max(1000)
          .def(3)
          .doc("number of greetings (and replies)")
          .add()
          .string("message")
          .def("Hello World")
          .doc("the greeting")
          .add()
          .number("failure_rate")
          .min(0)
          .max(1)
          .def(0)
          .notIdentifying()
          .doc("probability that a task fails, for testing failure handling")
          .add()
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Stage 1 sends n greetings, stage 2 replies to each; the result lists all of them.";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single("greet", GREETING_TASK, TaskQueue.RASTER, HelloWorldJob::greetings),
        StageDefinition.fanOut("reply", REPLY_TASK, TaskQueue.VECTOR, HelloWorldJob::replies));
  }

  private static List<TaskSpec> greetings(StageContext ctx) {
    int n = ctx.jobParameters().getInteger("n");
    List<TaskSpec> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(
          new TaskSpec(
              String.valueOf(i),
              new JsonObject()
                  .put("index", i)
                  .put("message", ctx.jobParameters().getString("message"))
                  .put("failure_rate", ctx.jobParameters().getDouble("failure_rate"))));
    }
    return tasks;
  }

  private static List<TaskSpec> replies(StageContext ctx) {
    List<TaskSpec> tasks = new ArrayList<>();
    for (TaskResult greeting : ctx.previousResults()) {
      tasks.add(
          new TaskSpec(
              greeting.taskIndex(),
              new JsonObject()
                  .put("index", greeting.result().getInteger("index"))
                  .put("greeting", greeting.result().getString("greeting"))
                  .put("failure_rate", ctx.jobParameters().getDouble("failure_rate"))));
    }
    return tasks;
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonArray greetings = new JsonArray();
    byStage
        .getOrDefault(1, List.of())
        .forEach(r -> greetings.add(r.result().getString("greeting")));
    JsonArray replies = new JsonArray();
    byStage.getOrDefault(2, List.of()).forEach(r -> replies.add(r.result().getString("reply")));
    return new JsonObject()
        .put("n", jobParameters.getInteger("n"))
        .put("greetings", greetings)
        .put("replies", replies);
  }
}
