package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.awaitSent;
import static io.geomachine.core.engine.TaskExecutionSupport.stageCompletedCount;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static io.geomachine.core.engine.TaskExecutionSupport.taskMessagesWritten;
import static io.geomachine.core.engine.TaskExecutionSupport.tasksDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.geomachine.core.engine.TaskExecutionSupport.Scripted;
import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.engine.TaskExecutionSupport.TaskRow;
import io.geomachine.core.engine.TaskExecutor.LeaseSettings;
import io.geomachine.core.engine.TaskExecutor.Outcome;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and heartbeats: a heartbeat keeps a task that runs longer than its lease alive, and a
 * worker that lost its lease (the watchdog gave the task away) never records an outcome.
 */
class LeaseOwnershipTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(2, Duration.ofMillis(200), Duration.ofSeconds(5));

  private static TestDatabase db;
  private static EngineHarness h;
  private ExecutorService threads;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_lease_ownership");
    h = new EngineHarness(db.pool(), TaskExecutionSupport.registry());
  }

  @BeforeEach
  void clean() {
    TaskExecutionSupport.clean(h);
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(10, TimeUnit.SECONDS), "the handler did not start");
  }

  /** Expires the task's lease and runs the watchdog until it has re-scheduled the task. */
  private static void expireAndWatch(String taskId) {
    for (int i = 0; i < 10; i++) {
      Sql.update(
          h.pool,
          "UPDATE app.tasks SET lease_expires_at = LOCALTIMESTAMP - interval '1 second'"
              + " WHERE task_id = $1 AND status = 'processing'",
          taskId);
      // (a heartbeat may renew the lease between the two statements; then try again)
      LeaseWatchdog.Report r = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
      if (r.retried() == 1) {
        assertEquals("pending_retry", task(h.pool, taskId).status());
        return;
      }
    }
    fail("the watchdog never took task " + taskId);
  }

  @Test
  void aHeartbeatKeepsATaskThatOutlivesItsLeaseAlive() throws Exception {
    Started job = TaskExecutionSupport.start(h, "long-task", 1);
    CountDownLatch started = new CountDownLatch(1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              started.countDown();
              Thread.sleep(3000);
              return new JsonObject().put("slept_ms", 3000);
            });
    TaskExecutor executor =
        h.engine.taskExecutor(
            List.of(handler),
            new LeaseSettings("long-worker", Duration.ofSeconds(1), Duration.ofMillis(200)),
            POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> executor.execute(job.message(0)));
      await(started);
      Thread.sleep(1500); // well past the one-second lease the claim took

      LeaseWatchdog.Report report = Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
      assertEquals(0, report.scanned(), "the watchdog found a task whose worker is alive");
      TaskRow running = task(h.pool, job.taskId(0));
      assertEquals("processing", running.status());
      assertEquals("long-worker", running.workerId());
      assertTrue(running.leaseInFuture(), "lease " + running.leaseExpiresAt() + " has expired");
      assertEquals(0, Sql.count(h.pool, "SELECT count(*) FROM app.janitor_runs"));

      assertEquals(Outcome.COMPLETED, outcome.get(10, TimeUnit.SECONDS));
      TaskRow done = task(h.pool, job.taskId(0));
      assertEquals("completed", done.status());
      assertEquals(0, done.retryCount());
      assertEquals(1, done.attempts());
      assertEquals(new JsonObject().put("slept_ms", 3000), done.result());
      assertNull(done.leaseExpiresAt());
      assertEquals(1, handler.calls.get());
      assertEquals(1, stageCompletedCount(h, job.jobId(), 1));
    } finally {
      executor.close();
    }
  }

  @Test
  void aWorkerThatLostItsLeaseIsStoppedAndItsOutcomeDropped() throws Exception {
    Started job = TaskExecutionSupport.start(h, "lost-lease", 1);
    String taskId = job.taskId(0);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Scripted handler =
        new Scripted(
            (input, call) -> {
              started.countDown();
              try {
                Thread.sleep(20_000);
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return new JsonObject().put("too", "late");
            });
    TaskExecutor executor =
        h.engine.taskExecutor(
            List.of(handler),
            new LeaseSettings("slow-worker", Duration.ofSeconds(30), Duration.ofMillis(200)),
            POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> executor.execute(job.message(0)));
      await(started);
      expireAndWatch(taskId);

      // The next heartbeat finds the lease gone and interrupts the handler.
      assertEquals(Outcome.SKIPPED, outcome.get(5, TimeUnit.SECONDS));
      assertTrue(interrupted.get(), "the handler was not interrupted");
      TaskRow row = task(h.pool, taskId);
      assertEquals("pending_retry", row.status());
      assertEquals("LEASE_EXPIRED: worker slow-worker stopped renewing its lease", row.error());
      assertEquals(0, row.retryCount());
      assertEquals(1, row.attempts());
      assertNull(row.workerId());
      assertNull(row.result());
      assertEquals(
          2,
          taskMessagesWritten(h, job.jobId()),
          "the first message and the watchdog's retry, nothing else");
      assertEquals(0, tasksDone(h.pool, job.jobId(), 1));
      assertEquals(0, stageCompletedCount(h, job.jobId(), 1));
    } finally {
      executor.close();
    }

    // The retry runs elsewhere and completes the task, once.
    TaskMessage retry =
        TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
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
    TaskRow done = task(h.pool, taskId);
    assertEquals("completed", done.status());
    assertEquals(1, done.retryCount());
    assertEquals(2, done.attempts());
    assertEquals(1, tasksDone(h.pool, job.jobId(), 1));
    assertEquals(1, stageCompletedCount(h, job.jobId(), 1));
    assertEquals(1, handler.calls.get());
  }

  /**
   * The handler finishes before any heartbeat noticed that the lease was lost: the completion is
   * refused by the database (the worker id no longer matches), and execute() must say so.
   */
  @Test
  void aResultFinishedAfterTheLeaseWasLostIsDroppedAndReportedSkipped() throws Exception {
    Started job = TaskExecutionSupport.start(h, "late-result", 1);
    String taskId = job.taskId(0);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              started.countDown();
              assertTrue(finish.await(20, TimeUnit.SECONDS));
              return new JsonObject().put("too", "late");
            });
    // No heartbeat during the test: the worker cannot know it lost the lease.
    TaskExecutor executor =
        h.engine.taskExecutor(
            List.of(handler),
            new LeaseSettings("late-worker", Duration.ofSeconds(30), Duration.ofSeconds(60)),
            POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> executor.execute(job.message(0)));
      await(started);
      expireAndWatch(taskId);
      finish.countDown();
      Outcome result = outcome.get(10, TimeUnit.SECONDS);

      TaskRow row = task(h.pool, taskId);
      assertEquals("pending_retry", row.status(), "a stale worker completed the task");
      assertNull(row.result());
      assertEquals("LEASE_EXPIRED: worker late-worker stopped renewing its lease", row.error());
      assertEquals(0, tasksDone(h.pool, job.jobId(), 1));
      assertEquals(0, stageCompletedCount(h, job.jobId(), 1));
      assertEquals(Outcome.SKIPPED, result, "the dropped completion was reported as done");
    } finally {
      finish.countDown();
      executor.close();
    }
  }

  /**
   * The task was given to worker B after worker A's lease expired; A, which has not heard of it
   * yet, then fails retryably. A must not take the task away from B (pending_retry, lease cleared)
   * nor queue another retry.
   */
  @Test
  void aStaleWorkersRetryableFailureDoesNotTakeTheTaskFromItsNewOwner() throws Exception {
    Started job = TaskExecutionSupport.start(h, "stale-retry", 1);
    String taskId = job.taskId(0);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              started.countDown();
              assertTrue(finish.await(20, TimeUnit.SECONDS));
              throw new TaskFailure("FLAKY", "worker A gave up", true);
            });
    TaskExecutor workerA =
        h.engine.taskExecutor(
            List.of(handler),
            new LeaseSettings("worker-a", Duration.ofSeconds(30), Duration.ofSeconds(60)),
            POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> workerA.execute(job.message(0)));
      await(started);
      expireAndWatch(taskId);
      // The retry falls due and worker B claims it.
      Sql.update(
          h.pool,
          "UPDATE app.tasks SET next_attempt_at = LOCALTIMESTAMP - interval '1 second'"
              + " WHERE task_id = $1",
          taskId);
      assertTrue(Sql.await(h.engine.tasks().startDueRetry(h.pool, taskId)));
      assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, taskId, "worker-b", 30)));

      finish.countDown();
      Outcome result = outcome.get(10, TimeUnit.SECONDS);

      TaskRow row = task(h.pool, taskId);
      assertEquals("processing", row.status(), "worker A took the task away from worker B");
      assertEquals("worker-b", row.workerId());
      assertTrue(row.leaseInFuture());
      assertEquals(1, row.retryCount());
      assertEquals(2, row.attempts());
      assertEquals(
          2,
          taskMessagesWritten(h, job.jobId()),
          "the first message and the watchdog's retry, nothing else");
      assertEquals(Outcome.SKIPPED, result);
    } finally {
      finish.countDown();
      workerA.close();
    }
  }
}
