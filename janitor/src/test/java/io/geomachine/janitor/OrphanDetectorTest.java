package io.geomachine.janitor;

import static io.geomachine.janitor.JanitorFixture.JOBS;
import static io.geomachine.janitor.JanitorFixture.TIMEOUT;
import static io.geomachine.janitor.JanitorFixture.join;
import static io.geomachine.janitor.JanitorFixture.queued;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.OrphanDetector;
import io.geomachine.core.engine.PassReport;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's orphan detector on the real database and broker: it re-sends the message a stuck
 * job is waiting for (stage_completed for a finished stage that never advanced, start_job for a job
 * that never started), records what it did in app.janitor_runs, leaves alone jobs that are recent
 * or whose message is still in the outbox, and never acts twice when two passes run at once.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = OrphanDetectorTest.DATABASE))
@WithTestResource(EmbeddedArtemisResource.class)
class OrphanDetectorTest {
  static final String DATABASE = "geomachine_test_janitor";
  private static final int STALLED_FOR_SECONDS = 60;
  private static final Duration LONG_AGO = Duration.ofHours(1);

  /** Finished stages count as stalled after a minute, sent messages as lost after two. */
  private static final OrphanDetector.Thresholds THRESHOLDS =
      new OrphanDetector.Thresholds(STALLED_FOR_SECONDS, 120, 100);

  @Inject Engine engine;
  @Inject JanitorFixture fx;
  @Inject Vertx vertx;

  @Inject Scheduler scheduler;

  @BeforeEach
  void cleanSlate() {
    Trigger scheduled = scheduler.getScheduledJob("orphan-detector");
    assertTrue(
        scheduled.getNextFireTime().isAfter(Instant.now().plus(Duration.ofMinutes(30))),
        "the scheduled pass would interfere: next at " + scheduled.getNextFireTime());
    fx.reset();
  }

  private PassReport runPass() {
    return join(engine.orphanDetector().run(THRESHOLDS));
  }

  @Test
  void aFinishedStageThatNeverAdvancedGetsItsStageCompletedAgain() {
    String stalled = fx.processingJobWithFinishedTasks(2);
    fx.lastTouched(stalled, LONG_AGO);
    String recent = fx.processingJobWithFinishedTasks(2);
    String stillRunning = fx.processingJobWithFinishedTasks(1);
    fx.lastTouched(stillRunning, LONG_AGO);

    PassReport report = runPass();

    assertFalse(report.skipped());
    assertEquals(1, report.fixed());
    assertEquals(new JsonArray().add(stalled + "/stage-1"), stageRedriven(report.actions()));
    assertEquals(new JsonArray(), report.actions().getJsonArray("start_redriven"));
    await().atMost(TIMEOUT).until(() -> queued(JOBS) == 1);
    fx.awaitOutboxPublished();
    assertEquals(List.of(JobMessage.stageCompleted(stalled, 1).toJson()), fx.drainJobsQueue());

    List<JanitorRun> runs = fx.orphanDetectorRuns();
    assertEquals(1, runs.size());
    JanitorRun run = runs.get(0);
    assertEquals("orphan_detector", run.runType());
    assertEquals("completed", run.status());
    assertEquals(1, run.itemsFixed());
    assertEquals(1, run.itemsScanned());
    assertTrue(run.actionsTaken().encode().contains(stalled), run.actionsTaken().encode());
    assertFalse(run.actionsTaken().encode().contains(recent));
    assertFalse(run.actionsTaken().encode().contains(stillRunning));
    assertTrue(run.durationMs() >= 0);
    assertEquals(JobStatus.PROCESSING, fx.status(stalled), "the janitor only re-sends");
  }

  @Test
  void aQueuedJobOlderThanTheThresholdGetsStartJobAgain() {
    String lost = fx.queuedJob();
    fx.published(lost, LONG_AGO);
    String fresh = fx.queuedJob();
    fx.published(fresh, Duration.ofSeconds(10));
    String neverSent = fx.queuedJob();
    fx.lastTouched(neverSent, LONG_AGO);

    PassReport report = runPass();

    assertEquals(1, report.fixed());
    assertEquals(
        new JsonArray().add(lost + "/stage-1"), report.actions().getJsonArray("start_redriven"));
    assertEquals(new JsonArray(), stageRedriven(report.actions()));
    await().atMost(TIMEOUT).until(() -> queued(JOBS) == 1);
    fx.awaitOutboxPublished();
    assertEquals(List.of(JobMessage.startJob(lost).toJson()), fx.drainJobsQueue());
    JanitorRun run = fx.orphanDetectorRuns().get(0);
    assertEquals(1, run.itemsFixed());
    assertFalse(run.actionsTaken().encode().contains(fresh));
    assertFalse(run.actionsTaken().encode().contains(neverSent), "no published_at: not sent yet");
  }

  @Test
  void aTaskWhoseMessageWasLostInTheBrokerIsPublishedAgainOnce() {
    String jobId = fx.processingJobWithFinishedTasks(0);
    List<String> taskIds = fx.taskIds(jobId);
    fx.taskPublished(taskIds.get(0), LONG_AGO);
    fx.taskPublished(taskIds.get(1), Duration.ofSeconds(5));

    PassReport report = runPass();

    assertEquals(1, report.fixed());
    assertEquals(
        new JsonArray().add(taskIds.get(0)),
        report.actions().getJsonArray("task_messages_republished"));
    // The janitor writes it to the outbox; the orchestrator's relay owns the task queues.
    assertEquals(
        1,
        fx.count("SELECT count(*) FROM app.outbox WHERE payload->>'task_id' = $1", taskIds.get(0)));
    assertEquals(0, runPass().fixed(), "still in the outbox: not sent twice");
  }

  @Test
  void jobsWhoseMessageIsStillInTheOutboxAreLeftAlone() {
    String queued = fx.queuedJob();
    fx.lastTouched(queued, LONG_AGO);
    fx.pendingInOutbox(queued);
    String stalled = fx.processingJobWithFinishedTasks(2);
    fx.lastTouched(stalled, LONG_AGO);
    fx.pendingInOutbox(stalled);

    PassReport report = runPass();

    assertFalse(report.skipped());
    assertEquals(0, report.fixed());
    fx.awaitOutboxPublished();
    assertEquals(2, fx.count("SELECT count(*) FROM app.outbox"), "the waiting rows are kept");
    assertEquals(0, queued(JOBS));
    JanitorRun run = fx.orphanDetectorRuns().get(0);
    assertEquals(0, run.itemsFixed());
    assertEquals(
        new JsonObject()
            .put("stage_advance_redriven", new JsonArray())
            .put("start_redriven", new JsonArray())
            .put("task_messages_republished", new JsonArray()),
        run.actionsTaken());
  }

  @Test
  void twoPassesAtOnceNeverBothAct() {
    String stalled = fx.processingJobWithFinishedTasks(2);
    fx.lastTouched(stalled, LONG_AGO);
    Pool side = TestDatabase.pool(vertx, DATABASE, 1);
    try {
      // Holds up whichever pass takes the advisory lock just before it commits (its record of the
      // run), so the two passes overlap for certain.
      SqlConnection holder = join(side.getConnection());
      Transaction tx = join(holder.begin());
      join(holder.query("LOCK TABLE app.janitor_runs IN EXCLUSIVE MODE").execute());
      CompletableFuture<PassReport> a =
          engine.orphanDetector().run(THRESHOLDS).subscribeAsCompletionStage();
      CompletableFuture<PassReport> b =
          engine.orphanDetector().run(THRESHOLDS).subscribeAsCompletionStage();

      await().atMost(TIMEOUT).until(() -> a.isDone() || b.isDone());
      CompletableFuture<PassReport> first = a.isDone() ? a : b;
      CompletableFuture<PassReport> second = a.isDone() ? b : a;
      assertTrue(first.join().skipped(), "the pass that finished first must have skipped");
      assertEquals(0, first.join().fixed());
      assertFalse(second.isDone(), "the other pass should be waiting on the held lock");

      join(tx.rollback());
      join(holder.close());
      PassReport acted = second.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
      assertFalse(acted.skipped());
      assertEquals(1, acted.fixed());
    } finally {
      join(side.close());
    }

    await().atMost(TIMEOUT).until(() -> queued(JOBS) >= 1);
    fx.awaitOutboxPublished();
    assertEquals(List.of(JobMessage.stageCompleted(stalled, 1).toJson()), fx.drainJobsQueue());
    assertEquals(1, fx.orphanDetectorRuns().size(), "a skipped pass records no run");
  }

  @Test
  void aPassWhileAnotherReplicaHoldsTheLockSkipsAndChangesNothing() {
    String stalled = fx.processingJobWithFinishedTasks(2);
    fx.lastTouched(stalled, LONG_AGO);
    Pool side = TestDatabase.pool(vertx, DATABASE, 1);
    PassReport whileLocked;
    try {
      // The lock another janitor replica's pass holds for its transaction.
      SqlConnection replica = join(side.getConnection());
      Transaction tx = join(replica.begin());
      join(
          replica
              .query("SELECT pg_advisory_xact_lock(hashtext('geomachine.janitor:orphan_detector'))")
              .execute());
      whileLocked = runPass();
      join(tx.rollback());
      join(replica.close());
    } finally {
      join(side.close());
    }

    assertTrue(whileLocked.skipped());
    assertEquals(0, whileLocked.fixed());
    assertEquals(0, fx.count("SELECT count(*) FROM app.outbox"));
    assertEquals(List.of(), fx.orphanDetectorRuns());
    assertEquals(0, queued(JOBS));
    PassReport afterwards = runPass();
    assertEquals(1, afterwards.fixed(), "once the lock is free the stalled job is re-driven");
  }

  private static JsonArray stageRedriven(JsonObject actions) {
    return actions.getJsonArray("stage_advance_redriven");
  }
}
