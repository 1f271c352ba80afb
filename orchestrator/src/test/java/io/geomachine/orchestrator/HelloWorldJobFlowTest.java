package io.geomachine.orchestrator;

import static io.geomachine.orchestrator.OrchestratorFixture.RASTER_TASKS;
import static io.geomachine.orchestrator.OrchestratorFixture.TIMEOUT;
import static io.geomachine.orchestrator.OrchestratorFixture.VECTOR_TASKS;
import static io.geomachine.orchestrator.OrchestratorFixture.queued;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.QueueReader;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CoreMachine in the orchestrator, driven through the real broker and database: start_job opens
 * stage 1, stage_completed opens stage 2 exactly once, the last stage finishes the job with its
 * result, and a failed task fails the job under the FAIL_JOB policy. The workers are played by the
 * test, directly in the database; nothing consumes the task queues in this module.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_orchestrator"))
@WithTestResource(EmbeddedArtemisResource.class)
class HelloWorldJobFlowTest {
  @jakarta.inject.Inject io.vertx.mutiny.core.Vertx vertx;

  @Inject OrchestratorFixture fx;

  @BeforeEach
  void startFromEmptyQueues() {
    fx.awaitQuietAndEmptyQueues();
  }

  @Test
  void startJobThenStageCompletedRunsBothStagesAndFinishesWithGreetingsAndReplies()
      throws Exception {
    String message = "Hi " + UUID.randomUUID();
    String jobId = fx.insertHelloWorld(3, message);
    fx.send(JobMessage.startJob(jobId));

    await().atMost(TIMEOUT).until(() -> queued(RASTER_TASKS) == 3);
    Job started = fx.job(jobId);
    assertEquals(JobStatus.PROCESSING, started.status());
    assertEquals(1, started.stage());
    List<Task> stage1 = fx.tasks(jobId, 1);
    assertEquals(3, stage1.size());
    assertEquals(List.of("0", "1", "2"), stage1.stream().map(Task::taskIndex).toList());
    for (Task t : stage1) {
      assertEquals(HelloWorldJob.GREETING_TASK, t.taskType());
      assertEquals(TaskStatus.QUEUED, t.status());
      assertEquals(message, t.parameters().getString("message"));
    }
    List<JsonObject> rasterMessages = QueueReader.drain(vertx, RASTER_TASKS);
    assertEquals(3, rasterMessages.size());
    assertEquals(idsOf(stage1), taskIdsOf(rasterMessages, jobId));
    rasterMessages.forEach(
        m -> {
          assertEquals(HelloWorldJob.GREETING_TASK, m.getString("task_type"));
          assertEquals(1, m.getInteger("stage"));
          assertEquals(1, m.getInteger("schema_version"));
        });

    fx.runStageInDatabase(jobId, 1, new HelloWorldHandlers.Greeting());
    fx.send(JobMessage.stageCompleted(jobId, 1));

    await().atMost(TIMEOUT).until(() -> queued(VECTOR_TASKS) == 3);
    Job advanced = fx.job(jobId);
    assertEquals(JobStatus.PROCESSING, advanced.status());
    assertEquals(2, advanced.stage());
    JsonObject stage1Summary = advanced.stageResults().getJsonObject("1");
    assertEquals(3, stage1Summary.getInteger("task_count"));
    assertEquals(3, stage1Summary.getInteger("completed"));
    assertEquals(0, stage1Summary.getInteger("failed"));
    List<Task> stage2 = fx.tasks(jobId, 2);
    assertEquals(3, stage2.size());
    assertEquals(
        List.of(message + " #0", message + " #1", message + " #2"),
        stage2.stream().map(t -> t.parameters().getString("greeting")).toList());
    stage2.forEach(t -> assertEquals(HelloWorldJob.REPLY_TASK, t.taskType()));
    fx.awaitQuiet();
    assertEquals(0, queued(RASTER_TASKS), "stage 2 must not go to the raster queue");
    assertEquals(idsOf(stage2), taskIdsOf(QueueReader.drain(vertx, VECTOR_TASKS), jobId));

    // A duplicate stage_completed: handled, and changes nothing.
    double handledBefore = fx.commandsHandled("stage_completed");
    fx.send(JobMessage.stageCompleted(jobId, 1));
    await().atMost(TIMEOUT).until(() -> fx.commandsHandled("stage_completed") == handledBefore + 1);
    fx.awaitQuiet();
    assertEquals(0, queued(VECTOR_TASKS), "the duplicate re-sent stage 2's task messages");
    assertEquals(3, fx.tasks(jobId, 2).size());
    Job afterDuplicate = fx.job(jobId);
    assertEquals(2, afterDuplicate.stage());
    assertEquals(JobStatus.PROCESSING, afterDuplicate.status());
    assertEquals(advanced.stageResults(), afterDuplicate.stageResults());

    fx.runStageInDatabase(jobId, 2, new HelloWorldHandlers.Reply());
    fx.send(JobMessage.stageCompleted(jobId, 2));

    await().atMost(TIMEOUT).until(() -> fx.job(jobId).status() == JobStatus.COMPLETED);
    Job done = fx.job(jobId);
    assertEquals(
        new JsonObject()
            .put("n", 3)
            .put(
                "greetings",
                new JsonArray().add(message + " #0").add(message + " #1").add(message + " #2"))
            .put(
                "replies",
                new JsonArray()
                    .add("Reply to '" + message + " #0'")
                    .add("Reply to '" + message + " #1'")
                    .add("Reply to '" + message + " #2'")),
        done.resultData());
    assertEquals(Set.of("1", "2"), done.stageResults().fieldNames());
    assertEquals(3, done.stageResults().getJsonObject("2").getInteger("completed"));
    assertNull(done.errorDetails());
    fx.awaitQuiet();
    assertEquals(0, queued(VECTOR_TASKS) + queued(RASTER_TASKS), "a finished job opens no stage");
  }

  @Test
  void failedGreetingsFailTheJobNamingTheStageAndOpenNoStage2() {
    String jobId = fx.insertHelloWorld(2, "Fail " + UUID.randomUUID());
    fx.send(JobMessage.startJob(jobId));
    await().atMost(TIMEOUT).until(() -> queued(RASTER_TASKS) == 2);

    List<Task> stage1 = fx.tasks(jobId, 1);
    assertEquals(2, stage1.size());
    fx.failInDatabase(stage1.get(0), "INJECTED_FAILURE: the greeting got lost");
    fx.failInDatabase(stage1.get(1), "INJECTED_FAILURE: second");
    fx.send(JobMessage.stageCompleted(jobId, 1));

    await().atMost(TIMEOUT).until(() -> fx.job(jobId).status() == JobStatus.FAILED);
    Job failed = fx.job(jobId);
    assertTrue(
        failed.errorDetails().startsWith("stage 1 (greet): 2 of 2 tasks failed"),
        failed.errorDetails());
    assertTrue(
        failed.errorDetails().contains("INJECTED_FAILURE: the greeting got lost"),
        failed.errorDetails());
    assertEquals(1, failed.stage());
    assertEquals(2, failed.stageResults().getJsonObject("1").getInteger("failed"));
    assertNull(failed.resultData());
    assertEquals(0, fx.tasks(jobId, 2).size());
    fx.awaitQuiet();
    assertEquals(0, queued(VECTOR_TASKS));
  }

  @Test
  void oneFailedTaskAmongSuccessfulOnesStillFailsTheJob() throws Exception {
    String jobId = fx.insertHelloWorld(3, "Partly " + UUID.randomUUID());
    fx.send(JobMessage.startJob(jobId));
    await().atMost(TIMEOUT).until(() -> queued(RASTER_TASKS) == 3);

    List<Task> stage1 = fx.tasks(jobId, 1);
    fx.failInDatabase(stage1.get(1), "INJECTED_FAILURE: task 1");
    fx.completeInDatabase(stage1.get(0), new JsonObject().put("greeting", "#0"));
    fx.completeInDatabase(stage1.get(2), new JsonObject().put("greeting", "#2"));
    fx.send(JobMessage.stageCompleted(jobId, 1));

    await().atMost(TIMEOUT).until(() -> fx.job(jobId).status() == JobStatus.FAILED);
    assertEquals(
        "stage 1 (greet): 1 of 3 tasks failed; first error: INJECTED_FAILURE: task 1",
        fx.job(jobId).errorDetails());
    assertEquals(0, fx.tasks(jobId, 2).size());
  }

  /** The task ids of a job's task messages (the relay sends concurrently, so in any order). */
  private static Set<String> taskIdsOf(List<JsonObject> messages, String jobId) {
    return messages.stream()
        .filter(m -> jobId.equals(m.getString("job_id")))
        .map(m -> m.getString("task_id"))
        .collect(Collectors.toSet());
  }

  private static Set<String> idsOf(List<Task> tasks) {
    return tasks.stream().map(Task::taskId).collect(Collectors.toSet());
  }
}
