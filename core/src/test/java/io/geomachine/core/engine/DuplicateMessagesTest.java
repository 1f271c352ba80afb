package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A duplicate message never runs a handler twice and never advances a stage twice. */
class DuplicateMessagesTest {
  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_engine_duplicates");
    h = new EngineHarness(db.pool());
  }

  @BeforeEach
  void reset() {
    h.reset();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static String submit(JsonObject params) {
    JobSubmission.Submission s = Sql.await(h.quietSubmission().submit("hello_world", params));
    assertTrue(s.created());
    return s.job().jobId();
  }

  private static List<JsonObject> publishAndTake(Destination d) {
    h.publishAll();
    return h.take(d);
  }

  @Test
  void duplicateStartAndStageMessagesChangeNothing() {
    CoreMachine machine = h.quietMachine();
    TaskExecutor executor = h.quietExecutor(EngineHarness.helloHandlers());
    String jobId = submit(new JsonObject().put("n", 4).put("message", "dup"));
    assertEquals(1, h.outboxCount(Destination.JOBS, jobId));
    List<JsonObject> start = publishAndTake(Destination.JOBS);
    assertEquals(1, start.size());
    JobMessage startJob = JobMessage.fromJson(start.get(0));
    assertEquals(JobMessage.startJob(jobId), startJob);

    Sql.await(machine.handle(startJob));
    Job afterFirst = h.job(jobId);
    assertEquals(JobStatus.PROCESSING, afterFirst.status());
    assertEquals(4, h.taskCount(jobId, 1, "queued"));
    assertEquals(4, h.outboxCount(Destination.RASTER_TASKS, jobId));

    Sql.await(machine.handle(startJob));
    assertEquals(afterFirst, h.job(jobId), "a duplicate start_job changed the job");
    assertEquals(4, h.taskCount(jobId, null, null));
    assertEquals(4, h.outboxCount(Destination.RASTER_TASKS, jobId));
    assertEquals(0, h.outboxCount(Destination.JOBS, jobId));

    List<JsonObject> greetings = publishAndTake(Destination.RASTER_TASKS);
    assertEquals(4, greetings.size());
    for (JsonObject m : greetings) {
      assertEquals(TaskExecutor.Outcome.COMPLETED, executor.execute(TaskMessage.fromJson(m)));
    }
    assertEquals(1, h.outboxCount(Destination.JOBS, jobId));
    List<JsonObject> stage1Done = publishAndTake(Destination.JOBS);
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), stage1Done);

    JobMessage stageCompleted = JobMessage.fromJson(stage1Done.get(0));
    Sql.await(machine.handle(stageCompleted));
    Job atStage2 = h.job(jobId);
    assertEquals(2, atStage2.stage());
    assertEquals(Set.of("1"), atStage2.stageResults().fieldNames());
    assertEquals(4, h.taskCount(jobId, 2, null));
    assertEquals(4, h.outboxCount(Destination.VECTOR_TASKS, jobId));

    Sql.await(machine.handle(stageCompleted));
    assertEquals(atStage2, h.job(jobId), "a duplicate stage_completed changed the job");
    assertEquals(8, h.taskCount(jobId, null, null));
    assertEquals(4, h.outboxCount(Destination.VECTOR_TASKS, jobId));
    assertEquals(0, h.outboxCount(Destination.JOBS, jobId));

    for (JsonObject m : publishAndTake(Destination.VECTOR_TASKS)) {
      assertEquals(TaskExecutor.Outcome.COMPLETED, executor.execute(TaskMessage.fromJson(m)));
    }
    JobMessage finalStage = JobMessage.fromJson(publishAndTake(Destination.JOBS).get(0));
    assertEquals(JobMessage.stageCompleted(jobId, 2), finalStage);
    Sql.await(machine.handle(finalStage));
    Job done = h.job(jobId);
    assertEquals(JobStatus.COMPLETED, done.status());
    assertEquals(4, done.resultData().getJsonArray("replies").size());

    // Late duplicates of every message the job ever received change nothing.
    Sql.await(machine.handle(finalStage));
    Sql.await(machine.handle(stageCompleted));
    Sql.await(machine.handle(startJob));
    assertEquals(done, h.job(jobId));
    assertEquals(8, h.taskCount(jobId, null, null));
    assertEquals(0, h.outboxCount());
  }

  @Test
  void aDuplicateTaskMessageIsSkippedWithoutRunningTheHandler() {
    EngineHarness.Counting greeting = new EngineHarness.Counting(new HelloWorldHandlers.Greeting());
    EngineHarness.Counting reply = new EngineHarness.Counting(new HelloWorldHandlers.Reply());
    TaskExecutor executor = h.quietExecutor(List.of(greeting, reply));
    String jobId = submit(new JsonObject().put("n", 2).put("message", "dup-task"));
    Sql.await(
        h.quietMachine().handle(JobMessage.fromJson(publishAndTake(Destination.JOBS).get(0))));
    List<JsonObject> messages = publishAndTake(Destination.RASTER_TASKS);
    assertEquals(2, messages.size());
    TaskMessage first = TaskMessage.fromJson(messages.get(0));

    assertEquals(TaskExecutor.Outcome.COMPLETED, executor.execute(first));
    assertEquals(1, greeting.calls.get());
    assertEquals(TaskExecutor.Outcome.SKIPPED, executor.execute(first));
    assertEquals(TaskExecutor.Outcome.SKIPPED, executor.execute(first));
    assertEquals(1, greeting.calls.get());
    assertEquals(1, h.taskCount(jobId, 1, "completed"));
    assertEquals(0, h.outboxCount(Destination.JOBS, jobId), "stage 1 is not done yet");

    TaskMessage unknownTask = new TaskMessage("no-such-task", jobId, first.taskType(), 1);
    assertEquals(TaskExecutor.Outcome.SKIPPED, executor.execute(unknownTask));
    assertEquals(1, greeting.calls.get());
    assertEquals(0, reply.calls.get());
  }

  @Test
  void aDuplicateDeliveredWhileTheTaskRunsIsSkipped() throws Exception {
    HelloWorldHandlers.Greeting real = new HelloWorldHandlers.Greeting();
    EngineHarness.Counting slow =
        new EngineHarness.Counting(
            new TaskHandler() {
              @Override
              public String taskType() {
                return real.taskType();
              }

              @Override
              public JsonObject handle(TaskInput input) throws Exception {
                Thread.sleep(300); // the duplicate arrives while this runs
                return real.handle(input);
              }
            });
    TaskExecutor executor = h.quietExecutor(List.of(slow));
    submit(new JsonObject().put("n", 1).put("message", "dup-concurrent"));
    Sql.await(
        h.quietMachine().handle(JobMessage.fromJson(publishAndTake(Destination.JOBS).get(0))));
    TaskMessage m = TaskMessage.fromJson(publishAndTake(Destination.RASTER_TASKS).get(0));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<TaskExecutor.Outcome> first = threads.submit(() -> executor.execute(m));
      Thread.sleep(100);
      Future<TaskExecutor.Outcome> second = threads.submit(() -> executor.execute(m));
      List<TaskExecutor.Outcome> outcomes =
          new java.util.ArrayList<>(
              List.of(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS)));
      java.util.Collections.sort(outcomes);
      assertEquals(List.of(TaskExecutor.Outcome.COMPLETED, TaskExecutor.Outcome.SKIPPED), outcomes);
    } finally {
      threads.shutdownNow();
    }
    assertEquals(1, slow.calls.get());
  }

  @Test
  void aTaskWithoutAHandlerFailsWithAClearError() {
    TaskExecutor replyOnly = h.quietExecutor(List.of(new HelloWorldHandlers.Reply()));
    String jobId = submit(new JsonObject().put("n", 1).put("message", "no-handler"));
    Sql.await(
        h.quietMachine().handle(JobMessage.fromJson(publishAndTake(Destination.JOBS).get(0))));
    TaskMessage m = TaskMessage.fromJson(publishAndTake(Destination.RASTER_TASKS).get(0));
    assertEquals(TaskExecutor.Outcome.FAILED, replyOnly.execute(m));
    String error =
        Sql.row(h.pool, "SELECT error_details FROM app.tasks WHERE task_id = $1", m.taskId())
            .getString(0);
    assertTrue(error.startsWith("UNKNOWN_TASK_TYPE"), error);
    assertEquals(1, h.taskCount(jobId, 1, "failed"));
  }
}
