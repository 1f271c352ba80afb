package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.FailurePolicy;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All three stage kinds in one job: {@code single} emits the numbers 0..n-1, {@code fan_out}
 * squares each one (optionally failing one, or planning nothing at all), {@code fan_in} receives
 * every square and sums them.
 */
class StageKindsFlowTest {
  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_stage_kinds");
    h = new EngineHarness(db.pool(), new JobRegistry(List.of(new SumOfSquares())));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void fanInReceivesEveryResultOfTheFanOut() {
    Job job = run(new JsonObject().put("n", 7));

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    // 0² + 1² + ... + 6² = 91, from 7 inputs
    assertEquals(new JsonObject().put("sum", 91).put("inputs", 7), job.resultData());
    assertEquals(7, job.stageResults().getJsonObject("2").getInteger("task_count"));
    assertEquals(1, job.stageResults().getJsonObject("3").getInteger("task_count"));
  }

  @Test
  void aFailedTaskUnderCompleteWithErrorsLeavesPartialResults() {
    Job job = run(new JsonObject().put("n", 5).put("fail_square_of", 3));

    assertEquals(JobStatus.COMPLETED_WITH_ERRORS, job.status());
    // 0 + 1 + 4 + 16, the square of 3 failed and is missing
    assertEquals(new JsonObject().put("sum", 21).put("inputs", 4), job.resultData());
    assertEquals(1, job.stageResults().getJsonObject("2").getInteger("failed"));
  }

  @Test
  void anEmptyFanOutCompletesAtOnceInsteadOfHanging() {
    Job job = run(new JsonObject().put("n", 4).put("square_nothing", true));

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    assertEquals(new JsonObject().put("sum", 0).put("inputs", 0), job.resultData());
    assertEquals(0, job.stageResults().getJsonObject("2").getInteger("task_count"));
    assertEquals(0, h.taskCount(job.jobId(), 2, null));
  }

  private static Job run(JsonObject params) {
    String jobId = Sql.await(h.engine.submission().submit(SumOfSquares.TYPE, params)).job().jobId();
    h.runToEnd(
        h.engine.coreMachine(),
        h.engine.taskExecutor(List.of(new Emit(), new Square(), new Sum())));
    return h.job(jobId);
  }

  /** single → fan_out → fan_in, and partial results allowed. */
  static final class SumOfSquares implements JobDefinition {
    static final String TYPE = "sum_of_squares";

    @Override
    public String jobType() {
      return TYPE;
    }

    @Override
    public String description() {
      return "test job using every stage kind";
    }

    @Override
    public ParameterSchema parameters() {
      return ParameterSchema.builder()
          .integer("n")
          .min(1)
          .max(100)
          .required()
          .add()
          .integer("fail_square_of")
          .def(-1)
          .add()
          .bool("square_nothing")
          .def(false)
          .add()
          .build();
    }

    @Override
    public FailurePolicy failurePolicy() {
      return FailurePolicy.COMPLETE_WITH_ERRORS;
    }

    @Override
    public List<StageDefinition> stages() {
      return List.of(
          StageDefinition.single(
              "numbers",
              "emit",
              TaskQueue.RASTER,
              ctx -> {
                List<TaskSpec> specs = new ArrayList<>();
                for (int i = 0; i < ctx.jobParameters().getInteger("n"); i++) {
                  specs.add(new TaskSpec(String.valueOf(i), new JsonObject().put("value", i)));
                }
                return specs;
              }),
          StageDefinition.fanOut(
              "squares",
              "square",
              TaskQueue.VECTOR,
              ctx ->
                  ctx.jobParameters().getBoolean("square_nothing")
                      ? List.of()
                      : ctx.previousResults().stream()
                          .map(
                              r ->
                                  new TaskSpec(
                                      r.taskIndex(),
                                      r.result()
                                          .copy()
                                          .put(
                                              "fail_square_of",
                                              ctx.jobParameters().getInteger("fail_square_of"))))
                          .toList()),
          StageDefinition.fanIn("sum", "sum", TaskQueue.RASTER));
    }

    @Override
    public JsonObject result(JsonObject params, Map<Integer, List<TaskResult>> byStage) {
      return byStage.get(3).get(0).result();
    }
  }

  static final class Emit implements TaskHandler {
    @Override
    public String taskType() {
      return "emit";
    }

    @Override
    public JsonObject handle(TaskInput input) {
      return new JsonObject().put("value", input.parameters().getInteger("value"));
    }
  }

  static final class Square implements TaskHandler {
    @Override
    public String taskType() {
      return "square";
    }

    @Override
    public JsonObject handle(TaskInput input) throws TaskFailure {
      int v = input.parameters().getInteger("value");
      if (v == input.parameters().getInteger("fail_square_of")) {
        throw TaskFailure.permanent("TEST_FAILURE", "no square for " + v);
      }
      return new JsonObject().put("square", v * v);
    }
  }

  static final class Sum implements TaskHandler {
    @Override
    public String taskType() {
      return "sum";
    }

    @Override
    public JsonObject handle(TaskInput input) {
      int sum = 0;
      int count = 0;
      for (Object o : input.parameters().getJsonArray("inputs")) {
        sum += ((JsonObject) o).getJsonObject("result").getInteger("square");
        count++;
      }
      return new JsonObject().put("sum", sum).put("inputs", count);
    }
  }
}
