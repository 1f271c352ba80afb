package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.engine.TaskExecutor.Outcome;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task message lost inside the broker: the relay stamps published_at when it sends a task's (or a
 * queued job's) message, and the orphan detector sends again only what is still unclaimed long
 * after that. Messages still in the outbox, recent ones and claimed tasks are left alone.
 */
class LostMessagesTest {
  /** Sent messages count as lost after a minute in these tests. */
  private static final OrphanDetector.Thresholds THRESHOLDS =
      new OrphanDetector.Thresholds(60, 60, 100);

  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_lost_messages");
    h = new EngineHarness(db.pool(), TaskExecutionSupport.registry());
  }

  @BeforeEach
  void clean() {
    TaskExecutionSupport.clean(h);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void sentAgo(String taskId, Duration ago) {
    Sql.update(
        h.pool,
        "UPDATE app.tasks SET published_at = LOCALTIMESTAMP - make_interval(secs => $2)"
            + " WHERE task_id = $1",
        taskId,
        (double) ago.toSeconds());
  }

  private static boolean published(String table, String idColumn, String id) {
    return Sql.row(
            h.pool,
            "SELECT published_at IS NOT NULL FROM app." + table + " WHERE " + idColumn + " = $1",
            id)
        .getBoolean(0);
  }

  private static PassReport pass() {
    return Sql.await(h.engine.orphanDetector().run(THRESHOLDS));
  }

  @Test
  void theRelayStampsWhenATaskOrStartMessageWentToTheBroker() {
    Started job = start(h, "stamp", 2);
    assertTrue(published("jobs", "job_id", job.jobId()), "start_job sent while queued");
    assertTrue(published("tasks", "task_id", job.taskId(0)));
    assertTrue(published("tasks", "task_id", job.taskId(1)));
  }

  @Test
  void aLostTaskMessageIsSentAgainAndTheJobCompletes() {
    Started job = start(h, "lost", 2);
    // The broker "loses" task 0's message: it is never delivered. Task 1 runs.
    TaskExecutor executor = h.quietExecutor(List.of(TaskExecutionSupport.succeeding()));
    assertEquals(Outcome.COMPLETED, executor.execute(job.message(1)));
    sentAgo(job.taskId(0), Duration.ofMinutes(5));

    PassReport report = pass();

    assertFalse(report.skipped());
    assertEquals(1, report.fixed());
    assertEquals(
        new JsonArray().add(job.taskId(0)),
        report.actions().getJsonArray("task_messages_republished"));
    List<JsonObject> resent =
        TaskExecutionSupport.awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1);
    assertEquals(job.message(0).toJson(), resent.get(0));
    assertEquals(0, pass().fixed(), "re-sent just now: published_at was stamped again");
    assertEquals(Outcome.COMPLETED, executor.execute(TaskMessage.fromJson(resent.get(0))));
    TaskExecutionSupport.runToEnd(h, job.jobId(), executor);
    assertEquals(JobStatus.COMPLETED, h.job(job.jobId()).status());
    assertEquals(
        1,
        Sql.count(
            h.pool,
            "SELECT count(*) FROM app.janitor_runs WHERE run_type = 'orphan_detector'"
                + " AND items_fixed = 1"));
  }

  @Test
  void recentBacklogClaimedTasksAndMessagesStillInTheOutboxAreLeftAlone() {
    Started job = start(h, "backlog", 3);
    sentAgo(job.taskId(0), Duration.ofSeconds(20)); // a backlog younger than the threshold
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(1), "w", 60)));
    sentAgo(job.taskId(1), Duration.ofMinutes(5)); // claimed: running, not lost
    Sql.update(
        h.pool, "UPDATE app.tasks SET published_at = NULL WHERE task_id = $1", job.taskId(2));

    PassReport report = pass();

    assertEquals(0, report.fixed());
    assertEquals(new JsonArray(), report.actions().getJsonArray("task_messages_republished"));
    assertEquals(0, h.outboxCount());
  }

  @Test
  void aRetryClearsTheStampUntilItsDelayedMessageIsSent() {
    Started job = start(h, "retry", 1);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(0), "w", 60)));
    assertNotNull(
        Sql.await(h.engine.tasks().scheduleRetry(h.pool, job.taskId(0), "w", "flaky", 3600)));
    assertFalse(published("tasks", "task_id", job.taskId(0)), "its retry message waits");
    assertEquals(0, pass().fixed());
  }

  @Test
  void aQueuedJobIsStartedAgainOnlyOnceItsStartMessageWentOutLongAgo() {
    String jobId =
        Sql.await(
                h.quietSubmission()
                    .submit(
                        TaskExecutionSupport.WorkJob.TYPE,
                        new JsonObject().put("n", 1).put("tag", "unstarted")))
            .job()
            .jobId();
    assertEquals(0, pass().fixed(), "start_job still in the outbox");
    h.publishAll();
    h.take(Destination.JOBS); // lost in the broker
    assertEquals(0, pass().fixed(), "sent a moment ago");
    Sql.update(
        h.pool,
        "UPDATE app.jobs SET published_at = published_at - interval '5 minutes' WHERE job_id = $1",
        jobId);
    PassReport report = pass();
    assertEquals(
        new JsonArray().add(jobId + "/stage-1"), report.actions().getJsonArray("start_redriven"));
    // the redriven message goes out first: sent after the reset, it would stamp the job again
    // (rightly: a start message did go out), which made this check race the relay on a busy machine
    h.publishAll();
    assertEquals(1, h.take(Destination.JOBS).size(), "the start message was sent again");
    Sql.await(h.engine.jobs().resetForRerun(h.pool, jobId, java.util.Set.of(JobStatus.QUEUED)));
    assertNull(h.job(jobId).publishedAt(), "a re-queued job waits for its new message");
  }

  @Test
  void twoPassesAtOnceSendALostMessageOnce() {
    Started job = start(h, "race", 1);
    sentAgo(job.taskId(0), Duration.ofMinutes(5));
    PassReport acted = PassRace.race(h.pool, () -> h.engine.orphanDetector().run(THRESHOLDS));
    assertEquals(1, acted.fixed());
    assertEquals(1, h.outboxCount(Destination.RASTER_TASKS, job.jobId()));
  }
}
