package io.geomachine.worker.vector;

import static io.geomachine.core.testing.WorkerHarness.DEAD_LETTERS;
import static io.geomachine.core.testing.WorkerHarness.JOBS;
import static io.geomachine.core.testing.WorkerHarness.TIMEOUT;
import static io.geomachine.core.testing.WorkerHarness.queued;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.geomachine.core.testing.WorkerHarness;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector worker on the real broker and database: it runs the reply tasks of hello_world's stage
 * 2, reports the finished stage exactly once, never runs a task twice, and dead-letters what it
 * cannot run (including a raster task sent to the wrong queue). Nothing consumes the jobs and
 * dead-letter queues in this module, so the test reads them.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_worker_vector"))
@WithTestResource(EmbeddedArtemisResource.class)
class VectorTaskExecutionTest {
  private static final HelloWorldJob HELLO = new HelloWorldJob();

  @Inject WorkerHarness fx;

  @BeforeEach
  void startFromEmptyQueues() {
    fx.awaitQuietAndEmptyQueues();
  }

  /** A hello_world job whose greetings are done: its stage 2 (replies) is open. */
  private List<TaskMessage> helloWorldAtStage2(String jobId) {
    List<TaskMessage> greetings = fx.openStage(HELLO, jobId, 1, List.of());
    List<TaskResult> greeted =
        fx.finishStageInDatabase(
            jobId,
            1,
            t ->
                new JsonObject()
                    .put("index", t.parameters().getInteger("index"))
                    .put(
                        "greeting",
                        t.parameters().getString("message")
                            + " #"
                            + t.parameters().getInteger("index")));
    assertEquals(greetings.size(), greeted.size());
    assertEquals(2, fx.job(jobId).stage());
    return fx.openStage(HELLO, jobId, 2, greeted);
  }

  private String helloWorldJob(int n, String message, double failureRate) {
    return fx.insertProcessingJob(
        HELLO,
        new JsonObject().put("n", n).put("message", message).put("failure_rate", failureRate));
  }

  @Test
  void repliesOfStage2AreCompletedAndTheStageIsReportedOnce() {
    String message = "Hello " + UUID.randomUUID();
    String jobId = helloWorldJob(3, message, 0);
    List<TaskMessage> replies = helloWorldAtStage2(jobId);
    assertEquals(3, replies.size());
    replies.forEach(m -> assertEquals(HelloWorldJob.REPLY_TASK, m.taskType()));
    double completedBefore = fx.executed(HelloWorldJob.REPLY_TASK, "completed");

    replies.forEach(fx::send);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.tasks(jobId, 2).stream().allMatch(t -> t.status() == TaskStatus.COMPLETED));
    List<Task> done = fx.tasks(jobId, 2);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          new JsonObject().put("index", i).put("reply", "Reply to '" + message + " #" + i + "'"),
          done.get(i).resultData());
    }
    assertEquals(
        3,
        fx.count(
            "SELECT tasks_done FROM app.stage_progress WHERE job_id = $1 AND stage = 2", jobId));
    fx.awaitQuiet();
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 2).toJson()), fx.drainFor(JOBS, jobId));
    assertEquals(completedBefore + 3, fx.executed(HelloWorldJob.REPLY_TASK, "completed"));
    assertEquals(0, queued(DEAD_LETTERS));
  }

  @Test
  void aDuplicateReplyMessageIsSkippedWithoutRunningTheHandlerAgain() {
    String jobId = helloWorldJob(1, "Dup " + UUID.randomUUID(), 0);
    TaskMessage only = helloWorldAtStage2(jobId).get(0);
    fx.send(only);
    await().atMost(TIMEOUT).until(() -> fx.tasks(jobId, 2).get(0).status() == TaskStatus.COMPLETED);
    fx.awaitQuiet();
    Task first = fx.tasks(jobId, 2).get(0);
    double skippedBefore = fx.executed(HelloWorldJob.REPLY_TASK, "skipped");
    double completedBefore = fx.executed(HelloWorldJob.REPLY_TASK, "completed");

    fx.send(only);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.executed(HelloWorldJob.REPLY_TASK, "skipped") == skippedBefore + 1);
    fx.awaitQuiet();
    Task after = fx.tasks(jobId, 2).get(0);
    assertEquals(first.resultData(), after.resultData());
    assertEquals(first.updatedAt(), after.updatedAt(), "the task row was written again");
    assertEquals(completedBefore, fx.executed(HelloWorldJob.REPLY_TASK, "completed"));
    assertEquals(
        List.of(JobMessage.stageCompleted(jobId, 2).toJson()),
        fx.drainFor(JOBS, jobId),
        "the stage must be reported exactly once");
    String exported = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(
        exported
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("geomachine_tasks_executed_total{")
                        && l.contains("outcome=\"skipped\"")
                        && l.contains("task_type=\"hello_world_reply\"")),
        "the skipped counter is not exported on /q/metrics");
  }

  @Test
  void aGreetingSentToTheVectorQueueIsDeadLetteredAndFailed() {
    String jobId = helloWorldJob(1, "Wrong queue " + UUID.randomUUID(), 0);
    TaskMessage greeting = fx.openStage(HELLO, jobId, 1, List.of()).get(0);
    assertEquals(HelloWorldJob.GREETING_TASK, greeting.taskType());

    fx.send(greeting);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    JsonObject dead = fx.drain(DEAD_LETTERS).get(0);
    assertEquals("vector-tasks", dead.getString("source"));
    String reason = dead.getString("reason");
    assertTrue(
        reason.startsWith(
                "no handler for task type 'hello_world_greeting' on this worker (it runs: ")
            && reason.contains("hello_world_reply")
            && !reason.contains("hello_world_greeting,"),
        reason);
    assertEquals(greeting.toJson(), new JsonObject(dead.getString("original")));
    await().atMost(TIMEOUT).until(() -> fx.tasks(jobId, 1).get(0).status() == TaskStatus.FAILED);
    Task failed = fx.tasks(jobId, 1).get(0);
    assertTrue(failed.errorDetails().startsWith("UNKNOWN_TASK_TYPE:"), failed.errorDetails());
    assertNull(failed.resultData());
  }

  @Test
  void aFailingReplyFailsItsTaskAndStillFinishesTheStage() {
    String jobId = helloWorldJob(2, "Doomed " + UUID.randomUUID(), 1.0);
    List<TaskMessage> replies = helloWorldAtStage2(jobId);
    double failedBefore = fx.executed(HelloWorldJob.REPLY_TASK, "failed");

    replies.forEach(fx::send);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.tasks(jobId, 2).stream().allMatch(t -> t.status() == TaskStatus.FAILED));
    for (Task t : fx.tasks(jobId, 2)) {
      assertTrue(
          t.errorDetails().startsWith("INJECTED_FAILURE: failure injected by failure_rate=1.0"),
          t.errorDetails());
      assertNull(t.resultData());
    }
    fx.awaitQuiet();
    assertEquals(failedBefore + 2, fx.executed(HelloWorldJob.REPLY_TASK, "failed"));
    // The first failure (not the stage's last task) tells the orchestrator at once, so a FAIL_JOB
    // job ends without waiting; the last one completes the stage.
    assertEquals(
        List.of(
            JobMessage.taskFailed(jobId, 2).toJson(), JobMessage.stageCompleted(jobId, 2).toJson()),
        fx.drainFor(JOBS, jobId));
    assertEquals(0, queued(DEAD_LETTERS), "a failing handler is not a bad message");
  }
}
