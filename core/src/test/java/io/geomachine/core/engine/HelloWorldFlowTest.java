package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole hello_world job through the engine as the services wire it, broker replaced. */
class HelloWorldFlowTest {
  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_engine_flow");
    h = new EngineHarness(db.pool());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void helloWorldRunsToCompletionWithResultsInNaturalOrder() {
    int n = 12; // more than 10, so "10" and "11" must come after "2"
    JobSubmission.Submission s =
        Sql.await(
            h.engine
                .submission()
                .submit("hello_world", new JsonObject().put("n", n).put("message", "Hi flow")));
    assertTrue(s.created());
    assertEquals(JobStatus.QUEUED, s.job().status());
    String jobId = s.job().jobId();

    h.runToEnd(h.engine.coreMachine(), h.engine.taskExecutor(EngineHarness.helloHandlers()));

    Job job = h.job(jobId);
    assertEquals(JobStatus.COMPLETED, job.status(), "error: " + job.errorDetails());
    assertNull(job.errorDetails());
    assertEquals(2, job.stage());
    JsonObject result = job.resultData();
    assertEquals(n, result.getInteger("n"));
    JsonArray greetings = result.getJsonArray("greetings");
    JsonArray replies = result.getJsonArray("replies");
    assertEquals(n, greetings.size());
    assertEquals(n, replies.size());
    for (int i = 0; i < n; i++) {
      assertEquals("Hi flow #" + i, greetings.getString(i));
      assertEquals("Reply to 'Hi flow #" + i + "'", replies.getString(i));
    }

    assertEquals(Set.of("1", "2"), job.stageResults().fieldNames());
    JsonObject stage1 = job.stageResults().getJsonObject("1");
    JsonObject stage2 = job.stageResults().getJsonObject("2");
    assertEquals("greet", stage1.getString("name"));
    assertEquals("reply", stage2.getString("name"));
    for (JsonObject st : new JsonObject[] {stage1, stage2}) {
      assertEquals(n, st.getInteger("task_count"));
      assertEquals(n, st.getInteger("completed"));
      assertEquals(0, st.getInteger("failed"));
      assertEquals(n, st.getJsonArray("results").size());
    }
    assertEquals("11", stage1.getJsonArray("results").getJsonObject(11).getString("task_index"));

    assertEquals(2L * n, h.taskCount(jobId, null, null));
    assertEquals(2L * n, h.taskCount(jobId, null, "completed"));
    Map<Integer, Map<TaskStatus, Long>> counts =
        Sql.await(h.engine.queries().status(jobId)).taskCounts();
    assertEquals(
        Map.of(
            1, Map.of(TaskStatus.COMPLETED, (long) n), 2, Map.of(TaskStatus.COMPLETED, (long) n)),
        counts);

    // What went over the (recorded) broker: one start, two stage completions, n tasks per queue.
    assertEquals(3, h.sentCount(Destination.JOBS, jobId));
    assertEquals(n, h.sentCount(Destination.RASTER_TASKS, jobId));
    assertEquals(n, h.sentCount(Destination.VECTOR_TASKS, jobId));
    assertTrue(
        h.history.stream()
            .filter(m -> m.destination() == Destination.RASTER_TASKS)
            .allMatch(m -> HelloWorldJob.GREETING_TASK.equals(m.payload().getString("task_type"))));
    assertTrue(
        h.history.stream()
            .filter(m -> m.destination() == Destination.VECTOR_TASKS)
            .allMatch(m -> HelloWorldJob.REPLY_TASK.equals(m.payload().getString("task_type"))));
    assertEquals(
        0, h.history.stream().filter(m -> m.destination() == Destination.DEAD_LETTERS).count());
    assertEquals(0, h.outboxCount());
  }

  @Test
  void defaultsGiveThreeGreetingsAndThreeReplies() {
    String jobId =
        Sql.await(h.engine.submission().submit("hello_world", new JsonObject())).job().jobId();
    h.runToEnd(h.engine.coreMachine(), h.engine.taskExecutor(EngineHarness.helloHandlers()));
    Job job = h.job(jobId);
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(
        new JsonArray().add("Hello World #0").add("Hello World #1").add("Hello World #2"),
        job.resultData().getJsonArray("greetings"));
    assertEquals(3, job.resultData().getJsonArray("replies").size());
  }
}
