package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A diagnostic job for operators and the benchmark: one stage of {@code tasks} tasks that do
 * nothing (or work for {@code task_ms} each), so the platform's own overhead (planning, messaging,
 * claiming, completing, advancing) and its behaviour under faults can be measured. {@code run}
 * distinguishes otherwise identical runs (it is part of the job id).
 */
public final class BenchmarkTasksJob implements JobDefinition {
  public static final String TYPE = "benchmark_tasks";
  public static final String TASK = "benchmark_noop";

  private final ParameterSchema parameters =
      ParameterSchema.builder()
          .integer("tasks")
          .min(1)
          .max(100_000)
          .def(1000)
          .doc("number of no-op tasks in the one stage")
          .add()
          .integer("task_ms")
          .min(0)
          .max(3_600_000)
          .def(0)
          .doc("how long each task works, in milliseconds (0: no-op); for fault and lease tests")
          .add()
          .string("run")
          .def("1")
          .pattern("[A-Za-z0-9._-]{1,64}")
          .doc("a label that makes a run a new job")
          .add()
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public String description() {
    return "One stage of N no-op tasks on the raster queue: measures the platform's own overhead.";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single(
            "noop",
            TASK,
            TaskQueue.RASTER,
            ctx -> {
              int n = ctx.jobParameters().getInteger("tasks");
              JsonObject params =
                  new JsonObject().put("task_ms", ctx.jobParameters().getInteger("task_ms"));
              List<TaskSpec> specs = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                specs.add(new TaskSpec(String.valueOf(i), params));
              }
              return specs;
            }));
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    return new JsonObject().put("tasks_completed", byStage.getOrDefault(1, List.of()).size());
  }
}
