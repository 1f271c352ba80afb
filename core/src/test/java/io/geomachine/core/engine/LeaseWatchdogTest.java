package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.awaitLeaseExpired;
import static io.geomachine.core.engine.TaskExecutionSupport.awaitSent;
import static io.geomachine.core.engine.TaskExecutionSupport.outboxRowsFor;
import static io.geomachine.core.engine.TaskExecutionSupport.retryDelayMillis;
import static io.geomachine.core.engine.TaskExecutionSupport.stageCompletedCount;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static io.geomachine.core.engine.TaskExecutionSupport.tasksDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.engine.TaskExecutionSupport.TaskRow;
import io.geomachine.core.engine.TaskExecutor.LeaseSettings;
import io.geomachine.core.engine.TaskExecutor.Outcome;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.ExpiredLease;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's task watchdog: a processing task whose lease expired is retried with backoff, or
 * failed through complete_task_and_check_stage once its retries are spent; replicas never both act
 * on one task.
 */
class LeaseWatchdogTest {
  /** Two retries; the first after 200 ms × [0.5, 1). */
  private static final RetryPolicy POLICY =
      new RetryPolicy(2, Duration.ofMillis(200), Duration.ofSeconds(5));

  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_lease_watchdog");
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

  private static void claim(String taskId, String worker, long leaseSeconds) {
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, taskId, worker, leaseSeconds)));
  }

  private static List<Row> janitorRuns() {
    return Sql.rows(
        h.pool,
        "SELECT run_type, status, items_scanned, items_fixed, actions_taken, error_details,"
            + " completed_at IS NOT NULL AS completed FROM app.janitor_runs ORDER BY started_at");
  }

  private static JsonObject actions(List<String> retried, List<String> failed) {
    return new JsonObject()
        .put("retried", new JsonArray(List.copyOf(retried)))
        .put("failed", new JsonArray(List.copyOf(failed)));
  }

  @Test
  void anExpiredLeaseIsRetriedWithBackoffAndALiveOneIsLeftAlone() {
    Started job = TaskExecutionSupport.start(h, "expired", 2);
    String dead = job.taskId(0);
    String live = job.taskId(1);
    claim(dead, "dead-worker", 1);
    claim(live, "live-worker", 60);
    TaskRow liveBefore = task(h.pool, live);
    awaitLeaseExpired(h.pool, dead);

    LeaseWatchdog.Report report = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));

    assertEquals(1, report.scanned());
    assertEquals(1, report.retried());
    assertEquals(0, report.failed());
    assertEquals(actions(List.of(dead), List.of()), report.actions());

    TaskRow retried = task(h.pool, dead);
    assertEquals("pending_retry", retried.status());
    assertEquals("LEASE_EXPIRED: worker dead-worker stopped renewing its lease", retried.error());
    assertEquals(0, retried.retryCount());
    assertEquals(1, retried.attempts());
    assertNull(retried.workerId());
    assertNull(retried.leaseExpiresAt());
    assertTrue(retried.nextAttemptSet());
    long delay = retryDelayMillis(h.pool, job.message(0));
    assertTrue(delay >= 100 && delay < 200, "backoff " + delay + " ms");

    assertEquals(liveBefore, task(h.pool, live), "a task with a live lease was touched");
    assertEquals("processing", liveBefore.status());
    assertEquals(0, outboxRowsFor(h.pool, live));

    List<Row> runs = janitorRuns();
    assertEquals(1, runs.size());
    Row run = runs.get(0);
    assertEquals("task_watchdog", run.getString("run_type"));
    assertEquals("completed", run.getString("status"));
    assertEquals(1, run.getInteger("items_scanned"));
    assertEquals(1, run.getInteger("items_fixed"));
    assertEquals(report.actions(), run.getJsonObject("actions_taken"));
    assertNull(run.getString("error_details"));
    assertTrue(run.getBoolean("completed"));

    // Another worker picks the retry up once it is due, and finishes the task.
    TaskMessage retry =
        TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
    assertEquals(job.message(0), retry);
    TaskExecutor other =
        h.engine.taskExecutor(
            List.of(TaskExecutionSupport.succeeding()),
            new LeaseSettings("other-worker", Duration.ofSeconds(30), Duration.ofSeconds(5)),
            POLICY);
    try {
      assertEquals(Outcome.COMPLETED, other.execute(retry));
    } finally {
      other.close();
    }
    TaskRow done = task(h.pool, dead);
    assertEquals("completed", done.status());
    assertEquals(1, done.retryCount());
    assertEquals(2, done.attempts());
    assertEquals(new JsonObject().put("index", "0"), done.result());

    // Nothing is left to do: a second pass scans nothing and records no run.
    LeaseWatchdog.Report again = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
    assertEquals(0, again.scanned());
    assertEquals(1, janitorRuns().size());
  }

  @Test
  void exhaustedRetriesFailTheTaskAndTheLastOneEndsItsStageOnce() {
    Started job = TaskExecutionSupport.start(h, "exhausted", 2);
    claim(job.taskId(0), "dead-worker", 1);
    claim(job.taskId(1), "dead-worker", 1);
    // Both have used the two retries the policy allows.
    assertEquals(
        2,
        Sql.update(
            h.pool, "UPDATE app.tasks SET retry_count = 2 WHERE parent_job_id = $1", job.jobId()));
    awaitLeaseExpired(h.pool, job.taskId(1));
    String expectedError =
        "LEASE_EXPIRED: worker dead-worker stopped renewing its lease and no retries remain"
            + " (2 retries)";

    // One at a time (limit 1, oldest lease first): the first is not the stage's last task.
    LeaseWatchdog.Report first = Sql.await(h.engine.leaseWatchdog(POLICY).run(1));
    assertEquals(1, first.scanned());
    assertEquals(0, first.retried());
    assertEquals(1, first.failed());
    assertEquals(actions(List.of(), List.of(job.taskId(0))), first.actions());
    TaskRow failed0 = task(h.pool, job.taskId(0));
    assertEquals("failed", failed0.status());
    assertEquals(expectedError, failed0.error());
    assertNull(failed0.leaseExpiresAt());
    assertEquals("processing", task(h.pool, job.taskId(1)).status());
    assertEquals(1, tasksDone(h.pool, job.jobId(), 1));
    assertEquals(0, stageCompletedCount(h, job.jobId(), 1));

    LeaseWatchdog.Report second = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
    assertEquals(actions(List.of(), List.of(job.taskId(1))), second.actions());
    assertEquals(1, second.failed());
    TaskRow failed1 = task(h.pool, job.taskId(1));
    assertEquals("failed", failed1.status());
    assertEquals(expectedError, failed1.error());
    assertEquals(2, tasksDone(h.pool, job.jobId(), 1));
    assertEquals(1, stageCompletedCount(h, job.jobId(), 1));
    assertEquals(0, h.outboxCount(Destination.RASTER_TASKS, job.jobId()), "no retry queued");

    LeaseWatchdog.Report third = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
    assertEquals(0, third.scanned());
    assertEquals(1, stageCompletedCount(h, job.jobId(), 1));

    List<Row> runs = janitorRuns();
    assertEquals(2, runs.size());
    for (Row run : runs) {
      assertEquals("task_watchdog", run.getString("run_type"));
      assertEquals(1, run.getInteger("items_scanned"));
      assertEquals(1, run.getInteger("items_fixed"));
    }

    Sql.await(h.quietMachine().handle(JobMessage.stageCompleted(job.jobId(), 1)));
    Job j = h.job(job.jobId());
    assertEquals(JobStatus.FAILED, j.status());
    assertEquals(
        "stage 1 (work): 2 of 2 tasks failed; first error: " + expectedError, j.errorDetails());
  }

  @Test
  void aTaskLockedByAnotherWatchdogIsSkippedNotWaitedFor() throws Exception {
    Started job = TaskExecutionSupport.start(h, "locked", 1);
    claim(job.taskId(0), "dead-worker", 1);
    awaitLeaseExpired(h.pool, job.taskId(0));

    // Another replica's pass, holding the task's row lock in an open transaction.
    CompletableFuture<List<ExpiredLease>> locked = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Void> holder =
        h.pool
            .withTransaction(
                c ->
                    h.engine
                        .tasks()
                        .lockExpiredLeases(c, 100)
                        .invoke(locked::complete)
                        .chain(rows -> Uni.createFrom().completionStage(release)))
            .subscribeAsCompletionStage();
    try {
      List<ExpiredLease> held = locked.get(10, TimeUnit.SECONDS);
      assertEquals(1, held.size());
      assertEquals(job.taskId(0), held.get(0).taskId());
      assertEquals("dead-worker", held.get(0).workerId());

      // SKIP LOCKED: this pass does not wait for the other one, and does nothing.
      LeaseWatchdog.Report report =
          h.engine.leaseWatchdog(POLICY).run(100).await().atMost(Duration.ofSeconds(5));
      assertEquals(0, report.scanned());
      assertEquals(0, report.retried() + report.failed());
      assertEquals("processing", task(h.pool, job.taskId(0)).status());
      assertEquals(0, outboxRowsFor(h.pool, job.taskId(0)));
      assertEquals(0, janitorRuns().size());
    } finally {
      release.complete(null);
      holder.get(10, TimeUnit.SECONDS);
    }
    // Once the other pass let go (it did nothing), the task is retried exactly once.
    LeaseWatchdog.Report after = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
    assertEquals(1, after.retried());
    assertEquals(1, outboxRowsFor(h.pool, job.taskId(0)));
  }

  @Test
  void concurrentWatchdogPassesNeverBothActOnATask() throws Exception {
    int n = 8;
    Started job = TaskExecutionSupport.start(h, "concurrent", n);
    for (int i = 0; i < n; i++) {
      claim(job.taskId(i), "dead-worker", 1);
    }
    awaitLeaseExpired(h.pool, job.taskId(n - 1));

    LeaseWatchdog a = h.engine.leaseWatchdog(POLICY);
    LeaseWatchdog b = h.engine.leaseWatchdog(POLICY);
    CompletableFuture<LeaseWatchdog.Report> ra = a.run(100).subscribeAsCompletionStage();
    CompletableFuture<LeaseWatchdog.Report> rb = b.run(100).subscribeAsCompletionStage();
    LeaseWatchdog.Report reportA = ra.get(30, TimeUnit.SECONDS);
    LeaseWatchdog.Report reportB = rb.get(30, TimeUnit.SECONDS);

    assertEquals(n, reportA.retried() + reportB.retried());
    assertEquals(0, reportA.failed() + reportB.failed());
    Set<Object> acted = new HashSet<>(reportA.actions().getJsonArray("retried").getList());
    for (Object id : reportB.actions().getJsonArray("retried")) {
      assertTrue(acted.add(id), "both passes retried " + id);
    }
    assertEquals(n, acted.size());
    assertEquals(
        n,
        Sql.count(
            h.pool,
            "SELECT count(*) FROM app.outbox WHERE destination = 'tasks.raster'"
                + " AND payload->>'job_id' = $1",
            job.jobId()));
    assertEquals(
        n,
        Sql.count(
            h.pool,
            "SELECT count(DISTINCT payload->>'task_id') FROM app.outbox"
                + " WHERE payload->>'job_id' = $1",
            job.jobId()));
    assertEquals(n, h.taskCount(job.jobId(), 1, "pending_retry"));
    assertEquals(
        n,
        Sql.count(
            h.pool,
            "SELECT coalesce(sum(items_fixed), 0) FROM app.janitor_runs"
                + " WHERE run_type = 'task_watchdog'"));
    int passesThatActed = (reportA.scanned() > 0 ? 1 : 0) + (reportB.scanned() > 0 ? 1 : 0);
    assertEquals(passesThatActed, janitorRuns().size());
  }
}
