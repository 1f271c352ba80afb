package io.geomachine.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Planning of hello_world without a database. The natural index order of results ("2" before "10")
 * is the repository's job (TaskRepository.INDEX_ORDER), tested against PostgreSQL in RepositoryTest
 * and end to end in HelloWorldFlowTest.
 */
class HelloWorldJobTest {
  private final HelloWorldJob def = new HelloWorldJob();

  private JsonObject params(int n) {
    return def.parameters().validate(new JsonObject().put("n", n)).all();
  }

  private List<TaskSpec> plan(int stage, JsonObject params, List<TaskResult> previous) {
    return def.stage(stage).planner().plan(new StageContext("job", params, stage, previous));
  }

  /** Runs the greeting handler on every stage-1 spec, as a worker would. */
  private List<TaskResult> greet(List<TaskSpec> specs) throws Exception {
    List<TaskResult> results = new ArrayList<>();
    for (TaskSpec s : specs) {
      JsonObject r =
          new HelloWorldHandlers.Greeting()
              .handle(
                  new TaskInput(
                      "t" + s.index(), "job", "hello_world", 1, s.index(), s.parameters()));
      results.add(new TaskResult("t" + s.index(), s.index(), TaskStatus.COMPLETED, r, null));
    }
    return results;
  }

  @Test
  void declaresTwoStagesOnBothWorkers() {
    assertEquals("hello_world", def.jobType());
    assertEquals(2, def.stages().size());
    assertEquals(StageKind.SINGLE, def.stage(1).kind());
    assertEquals(HelloWorldJob.GREETING_TASK, def.stage(1).taskType());
    assertEquals(TaskQueue.RASTER, def.stage(1).queue());
    assertEquals(StageKind.FAN_OUT, def.stage(2).kind());
    assertEquals(HelloWorldJob.REPLY_TASK, def.stage(2).taskType());
    assertEquals(TaskQueue.VECTOR, def.stage(2).queue());
    assertEquals(FailurePolicy.FAIL_JOB, def.failurePolicy());
  }

  @Test
  void stageOneHasOneGreetingPerIndex() {
    JsonObject p =
        def.parameters().validate(new JsonObject().put("n", 5).put("message", "Hi")).all();
    List<TaskSpec> specs = plan(1, p, List.of());
    assertEquals(5, specs.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(String.valueOf(i), specs.get(i).index());
      assertEquals(i, specs.get(i).parameters().getInteger("index"));
      assertEquals("Hi", specs.get(i).parameters().getString("message"));
      assertEquals(0.0, specs.get(i).parameters().getDouble("failure_rate"));
    }
  }

  @Test
  void planningIsDeterministic() {
    assertEquals(plan(1, params(7), List.of()), plan(1, params(7), List.of()));
  }

  @Test
  void stageTwoRepliesToEachGreetingPairedByIndex() throws Exception {
    List<TaskResult> greetings = greet(plan(1, params(12), List.of()));
    List<TaskResult> shuffled = new ArrayList<>(greetings);
    Collections.shuffle(shuffled, new Random(42));
    List<TaskSpec> replies = plan(2, params(12), shuffled);
    assertEquals(12, replies.size());
    for (TaskSpec reply : replies) {
      int i = Integer.parseInt(reply.index());
      assertEquals(i, reply.parameters().getInteger("index"));
      assertEquals("Hello World #" + i, reply.parameters().getString("greeting"));
    }
  }

  @Test
  void fanOutOverNoResultsPlansNothing() {
    assertTrue(plan(2, params(3), List.of()).isEmpty());
  }

  @Test
  void resultListsGreetingsAndRepliesInTheOrderGiven() throws Exception {
    List<TaskResult> greetings = greet(plan(1, params(11), List.of()));
    List<TaskResult> replies = new ArrayList<>();
    for (TaskSpec s : plan(2, params(11), greetings)) {
      JsonObject r =
          new HelloWorldHandlers.Reply()
              .handle(
                  new TaskInput(
                      "r" + s.index(), "job", "hello_world", 2, s.index(), s.parameters()));
      replies.add(new TaskResult("r" + s.index(), s.index(), TaskStatus.COMPLETED, r, null));
    }
    JsonObject result = def.result(params(11), Map.of(1, greetings, 2, replies));
    assertEquals(11, result.getInteger("n"));
    JsonArray g = result.getJsonArray("greetings");
    JsonArray r = result.getJsonArray("replies");
    assertEquals(11, g.size());
    assertEquals(11, r.size());
    for (int i = 0; i < 11; i++) {
      assertEquals("Hello World #" + i, g.getString(i));
      assertEquals("Reply to 'Hello World #" + i + "'", r.getString(i));
    }
  }

  @Test
  void handlersFailWhenFailureRateIsOne() {
    JsonObject p =
        plan(1, def.parameters().validate(new JsonObject().put("failure_rate", 1)).all(), List.of())
            .get(0)
            .parameters();
    io.geomachine.core.task.TaskFailure f =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.geomachine.core.task.TaskFailure.class,
            () ->
                new HelloWorldHandlers.Greeting()
                    .handle(new TaskInput("t", "job", "hello_world", 1, "0", p)));
    assertEquals("INJECTED_FAILURE", f.code());
    assertTrue(!f.retryable());
  }
}
