package io.geomachine.worker.raster;

import static io.geomachine.core.testing.WorkerHarness.DEAD_LETTERS;
import static io.geomachine.core.testing.WorkerHarness.JOBS;
import static io.geomachine.core.testing.WorkerHarness.TIMEOUT;
import static io.geomachine.core.testing.WorkerHarness.queued;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.BenchmarkTasksJob;
import io.geomachine.core.job.HelloWorldJob;
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
 * The raster worker on the real broker and database: it claims, runs and completes the tasks it is
 * sent, reports a finished stage exactly once, never runs a task twice, and dead-letters what it
 * cannot run. Nothing consumes the jobs and dead-letter queues in this module, so the test reads
 * them.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_worker_raster"))
@WithTestResource(EmbeddedArtemisResource.class)
class RasterTaskExecutionTest {
  private static final HelloWorldJob HELLO = new HelloWorldJob();

  @Inject WorkerHarness fx;

  @BeforeEach
  void startFromEmptyQueues() {
    fx.awaitQuietAndEmptyQueues();
  }

  @Test
  void greetingsOfStage1AreCompletedAndTheStageIsReportedOnce() {
    String message = "Hello " + UUID.randomUUID();
    String jobId =
        fx.insertProcessingJob(HELLO, new JsonObject().put("n", 3).put("message", message));
    List<TaskMessage> messages = fx.openStage(HELLO, jobId, 1, List.of());
    assertEquals(3, messages.size());
    double completedBefore = fx.executed(HelloWorldJob.GREETING_TASK, "completed");

    messages.forEach(fx::send);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.tasks(jobId, 1).stream().allMatch(t -> t.status() == TaskStatus.COMPLETED));
    List<Task> done = fx.tasks(jobId, 1);
    for (int i = 0; i < 3; i++) {
      Task t = done.get(i);
      assertEquals(
          new JsonObject().put("index", i).put("greeting", message + " #" + i), t.resultData());
      assertNull(t.errorDetails());
    }
    assertEquals(3, fx.count("SELECT tasks_done FROM app.stage_progress WHERE job_id = $1", jobId));
    fx.awaitQuiet();
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), fx.drainFor(JOBS, jobId));
    assertEquals(completedBefore + 3, fx.executed(HelloWorldJob.GREETING_TASK, "completed"));
    assertEquals(0, queued(DEAD_LETTERS));
  }

  @Test
  void aDuplicateTaskMessageIsSkippedWithoutRunningTheHandlerAgain() {
    String jobId =
        fx.insertProcessingJob(
            HELLO, new JsonObject().put("n", 1).put("message", "Dup " + UUID.randomUUID()));
    TaskMessage only = fx.openStage(HELLO, jobId, 1, List.of()).get(0);
    fx.send(only);
    await().atMost(TIMEOUT).until(() -> fx.tasks(jobId, 1).get(0).status() == TaskStatus.COMPLETED);
    fx.awaitQuiet();
    Task first = fx.tasks(jobId, 1).get(0);
    double skippedBefore = fx.executed(HelloWorldJob.GREETING_TASK, "skipped");
    double completedBefore = fx.executed(HelloWorldJob.GREETING_TASK, "completed");

    fx.send(only);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.executed(HelloWorldJob.GREETING_TASK, "skipped") == skippedBefore + 1);
    fx.awaitQuiet();
    Task after = fx.tasks(jobId, 1).get(0);
    assertEquals(TaskStatus.COMPLETED, after.status());
    assertEquals(first.resultData(), after.resultData());
    assertEquals(first.updatedAt(), after.updatedAt(), "the task row was written again");
    assertEquals(completedBefore, fx.executed(HelloWorldJob.GREETING_TASK, "completed"));
    String exported = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(
        exported
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("geomachine_tasks_executed_total{")
                        && l.contains("outcome=\"skipped\"")
                        && l.contains("task_type=\"hello_world_greeting\"")),
        "the skipped counter is not exported on /q/metrics");
    assertEquals(1, fx.count("SELECT tasks_done FROM app.stage_progress WHERE job_id = $1", jobId));
    assertEquals(
        List.of(JobMessage.stageCompleted(jobId, 1).toJson()),
        fx.drainFor(JOBS, jobId),
        "the stage must be reported exactly once");
  }

  @Test
  void aTaskTypeWithoutHandlerIsDeadLetteredAndTheTaskFailed() {
    String jobId =
        fx.insertProcessingJob(
            HELLO, new JsonObject().put("n", 1).put("message", "Unknown " + UUID.randomUUID()));
    TaskMessage unknown =
        fx.insertTasksOfType(jobId, HelloWorldJob.TYPE, "warp_raster_to_mars", 1, 1).get(0);

    fx.send(unknown);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    JsonObject dead = fx.drain(DEAD_LETTERS).get(0);
    assertEquals("raster-tasks", dead.getString("source"));
    assertEquals(
        "no handler for task type 'warp_raster_to_mars' on this worker"
            + " (it runs: hello_world_greeting, benchmark_noop, raster_validate, raster_create_cog,"
            + " raster_stac_item, raster_validate_or_tile, raster_cog_or_tile, raster_tiling_scheme,"
            + " raster_tile_cog, raster_mosaic_finish, stac_container_list, stac_container_item,"
            + " stac_container_finish)",
        dead.getString("reason"));
    assertEquals(unknown.toJson(), new JsonObject(dead.getString("original")));
    await().atMost(TIMEOUT).until(() -> fx.tasks(jobId, 1).get(0).status() == TaskStatus.FAILED);
    Task failed = fx.tasks(jobId, 1).get(0);
    assertTrue(
        failed.errorDetails().startsWith("UNKNOWN_TASK_TYPE: no handler for task type"),
        failed.errorDetails());
    assertNull(failed.resultData());
  }

  @Test
  void aMessageWithoutSchemaVersionIsDeadLetteredAndFailsTheTaskItNames() {
    String jobId =
        fx.insertProcessingJob(
            HELLO, new JsonObject().put("n", 1).put("message", "Bad " + UUID.randomUUID()));
    JsonObject unversioned = fx.openStage(HELLO, jobId, 1, List.of()).get(0).toJson();
    unversioned.remove("schema_version");
    double deadLetteredBefore = fx.executed("unknown", "dead_lettered");

    fx.sendRaw(unversioned);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    JsonObject dead = fx.drain(DEAD_LETTERS).get(0);
    assertEquals("task message: missing schema_version", dead.getString("reason"));
    await()
        .atMost(TIMEOUT)
        .until(() -> fx.executed("unknown", "dead_lettered") == deadLetteredBefore + 1);
    // The handler never ran; the task it names is failed, so its stage (of one task) ends.
    await().atMost(TIMEOUT).until(() -> fx.tasks(jobId, 1).get(0).status() == TaskStatus.FAILED);
    assertEquals(
        "UNREADABLE_MESSAGE: task message: missing schema_version (from raster-tasks)",
        fx.tasks(jobId, 1).get(0).errorDetails());
    await().atMost(TIMEOUT).until(() -> queued(JOBS) >= 1);
    fx.awaitQuiet();
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), fx.drainFor(JOBS, jobId));
  }

  @Test
  void benchmarkNoopTasksRunAndFinishTheirStage() {
    BenchmarkTasksJob bench = new BenchmarkTasksJob();
    String jobId =
        fx.insertProcessingJob(
            bench,
            new JsonObject().put("tasks", 4).put("run", "raster-" + UUID.randomUUID().hashCode()));
    List<TaskMessage> messages = fx.openStage(bench, jobId, 1, List.of());
    assertEquals(4, messages.size());
    messages.forEach(m -> assertEquals(BenchmarkTasksJob.TASK, m.taskType()));

    messages.forEach(fx::send);

    await()
        .atMost(TIMEOUT)
        .until(() -> fx.tasks(jobId, 1).stream().allMatch(t -> t.status() == TaskStatus.COMPLETED));
    fx.tasks(jobId, 1).forEach(t -> assertEquals(new JsonObject(), t.resultData()));
    fx.awaitQuiet();
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), fx.drainFor(JOBS, jobId));
  }
}
