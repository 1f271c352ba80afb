package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.start;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.DeadLetterOffice.Action;
import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A message that cannot be parsed still fails the task or job it names, when it can be told: the
 * fields of a JSON object with other fields wrong, or ids recognizable in the raw text. Work that
 * runs under a worker's lease, or a message that names nothing, is only dead-lettered.
 */
class UnreadableMessagesTest {
  private static final String TASKS = "geomachine.tasks.raster";
  private static final String JOBS = "geomachine.jobs";

  private static TestDatabase db;
  private static EngineHarness h;
  private static MessageIntake intake;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_unreadable_messages");
    h = new EngineHarness(db.pool(), TaskExecutionSupport.registry());
    intake =
        new MessageIntake(h.pool, h.engine.jobs(), h.engine.tasks(), h.engine.outbox(), () -> {});
  }

  @BeforeEach
  void clean() {
    Sql.update(h.pool, "DELETE FROM app.dead_letters");
    TaskExecutionSupport.clean(h);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static long deadLetters() {
    return Sql.count(h.pool, "SELECT count(*) FROM app.dead_letters");
  }

  @Test
  void aTaskMessageWithAnUnknownSchemaVersionFailsItsTaskAndEndsTheStage() {
    Started job = start(h, "bad-version", 1);
    JsonObject bad = job.message(0).toJson().put("schema_version", 99);

    assertNull(intake.parseOrDeadLetter(TASKS, bad.encode(), TaskMessage::fromJson));

    var row = task(h.pool, job.taskId(0));
    assertEquals("failed", row.status());
    assertTrue(
        row.error().startsWith("UNREADABLE_MESSAGE: task message: unsupported"), row.error());
    assertTrue(row.error().endsWith("(from " + TASKS + ")"), row.error());
    assertEquals(1, TaskExecutionSupport.stageCompletedCount(h, job.jobId(), 1), "stage ended");
    assertEquals(1, deadLetters());
  }

  @Test
  void idsRecognizedInRawTextThatIsNotJson() {
    Started job = start(h, "raw-text", 2);
    String raw = "garbled frame ### task " + job.taskId(1) + " ### (truncated";

    assertEquals(Action.TASK_FAILED, intake.deadLetterAndFailNamed(TASKS, raw, "not JSON"));
    assertEquals("failed", task(h.pool, job.taskId(1)).status());
    assertEquals("queued", task(h.pool, job.taskId(0)).status());
    assertEquals(
        job.taskId(1),
        Sql.row(h.pool, "SELECT task_id FROM app.dead_letters").getString("task_id"));
  }

  @Test
  void aJobCommandWithABrokenTypeFailsItsQueuedJob() {
    String jobId =
        Sql.await(
                h.quietSubmission()
                    .submit(
                        TaskExecutionSupport.WorkJob.TYPE,
                        new JsonObject().put("n", 1).put("tag", "broken-command")))
            .job()
            .jobId();
    JsonObject bad = JobMessage.startJob(jobId).toJson().put("type", "begin_job");

    assertNull(intake.parseOrDeadLetter(JOBS, bad, JobMessage::fromJson));

    Job failed = h.job(jobId);
    assertEquals(JobStatus.FAILED, failed.status());
    assertTrue(failed.errorDetails().contains("unknown type 'begin_job'"), failed.errorDetails());
  }

  @Test
  void aRunningTaskAndAMessageNamingNothingAreOnlyDeadLettered() {
    Started job = start(h, "running", 1);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(0), "live-worker", 60)));
    String raw = "{\"task_id\": \"" + job.taskId(0) + "\", \"stage\": \"one\"}";
    assertEquals(Action.TASK_NOT_OPEN, intake.deadLetterAndFailNamed(TASKS, raw, "bad stage"));
    assertEquals("processing", task(h.pool, job.taskId(0)).status());

    assertEquals(
        Action.NOTHING_NAMED, intake.deadLetterAndFailNamed(TASKS, "%%% nothing %%%", "noise"));
    assertEquals(2, deadLetters());
    assertEquals(JobStatus.PROCESSING, h.job(job.jobId()).status());
  }
}
