package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.awaitLeaseExpired;
import static io.geomachine.core.engine.TaskExecutionSupport.awaitSent;
import static io.geomachine.core.engine.TaskExecutionSupport.collectSent;
import static io.geomachine.core.engine.TaskExecutionSupport.stageCompletedCount;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static io.geomachine.core.engine.TaskExecutionSupport.taskMessagesWritten;
import static io.geomachine.core.engine.TaskExecutionSupport.tasksDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Scripted;
import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.engine.TaskExecutionSupport.TaskRow;
import io.geomachine.core.engine.TaskExecutionSupport.WorkJob;
import io.geomachine.core.engine.TaskExecutor.LeaseSettings;
import io.geomachine.core.engine.TaskExecutor.Outcome;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
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
 * Cancelling a job: tasks that have not started never start, running ones stop at their next
 * heartbeat, only open jobs can be cancelled, and a cancelled job can be re-run.
 */
class JobCancellationTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5));
  private static final LeaseSettings LEASE =
      new LeaseSettings("cancel-worker", Duration.ofSeconds(30), Duration.ofMillis(200));

  private static TestDatabase db;
  private static EngineHarness h;
  private ExecutorService threads;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_job_cancellation");
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

  private static Job cancel(String jobId) {
    return Sql.await(h.engine.submission().cancel(jobId));
  }

  @Test
  void cancellingCancelsQueuedAndWaitingTasksAndTheirMessagesAreSkipped() {
    Started job = TaskExecutionSupport.start(h, "cancel-queued", 3);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              throw new TaskFailure("FLAKY", "not now", true);
            });
    TaskExecutor executor = h.engine.taskExecutor(List.of(handler), LEASE, POLICY);
    try {
      // Task 0 is waiting for its retry, tasks 1 and 2 are queued.
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(job.message(0)));

      Job cancelled = cancel(job.jobId());
      assertEquals(JobStatus.CANCELLED, cancelled.status());
      assertEquals("cancelled on request", cancelled.errorDetails());
      assertEquals(JobStatus.CANCELLED, h.job(job.jobId()).status());
      assertEquals(3, h.taskCount(job.jobId(), 1, "cancelled"));
      assertFalse(task(h.pool, job.taskId(0)).nextAttemptSet());

      // Every later message is skipped without running the handler: the queued ones...
      assertEquals(Outcome.SKIPPED, executor.execute(job.message(1)));
      assertEquals(Outcome.SKIPPED, executor.execute(job.message(2)));
      // ...and the retry, once it is due.
      TaskMessage retry =
          TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
      assertEquals(Outcome.SKIPPED, executor.execute(retry));
      assertNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(1), "someone", 30)));
      assertFalse(Sql.await(h.engine.tasks().startDueRetry(h.pool, job.taskId(0))));

      assertEquals(1, handler.calls.get());
      assertEquals(3, h.taskCount(job.jobId(), 1, "cancelled"));
      assertEquals(0, stageCompletedCount(h, job.jobId(), 1));
      assertEquals(JobStatus.CANCELLED, h.job(job.jobId()).status());
    } finally {
      executor.close();
    }
  }

  @Test
  void aRunningTaskStopsAtItsNextHeartbeat() throws Exception {
    Started job = TaskExecutionSupport.start(h, "cancel-running", 2);
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
              return new JsonObject();
            });
    TaskExecutor executor = h.engine.taskExecutor(List.of(handler), LEASE, POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> executor.execute(job.message(0)));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      long cancelledAt = System.nanoTime();
      assertEquals(JobStatus.CANCELLED, cancel(job.jobId()).status());
      assertEquals("cancelled", task(h.pool, job.taskId(1)).status(), "the queued task");

      assertEquals(Outcome.CANCELLED, outcome.get(5, TimeUnit.SECONDS));
      long stoppedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
      assertTrue(stoppedAfterMs < 2000, "stopped " + stoppedAfterMs + " ms after the cancel");
      assertTrue(interrupted.get(), "the handler was not interrupted");

      TaskRow row = task(h.pool, job.taskId(0));
      assertEquals("cancelled", row.status());
      assertNull(row.leaseExpiresAt());
      assertNull(row.result());
      assertEquals(1, row.attempts());
      assertEquals(0, row.retryCount());
      assertEquals(2, h.taskCount(job.jobId(), 1, "cancelled"));
      assertEquals(0, tasksDone(h.pool, job.jobId(), 1));
      assertEquals(0, stageCompletedCount(h, job.jobId(), 1));
      assertEquals(2, taskMessagesWritten(h, job.jobId()), "no retry for a cancelled task");
      assertEquals(JobStatus.CANCELLED, h.job(job.jobId()).status());
      assertEquals(1, handler.calls.get());
    } finally {
      executor.close();
    }
  }

  @Test
  void aJobCancelledBeforeItStartsNeverCreatesTasks() {
    String jobId =
        Sql.await(
                h.quietSubmission()
                    .submit(WorkJob.TYPE, new JsonObject().put("n", 2).put("tag", "never")))
            .job()
            .jobId();
    assertEquals(JobStatus.CANCELLED, cancel(jobId).status());
    JsonObject start = awaitSent(h, Destination.JOBS, jobId, 1).get(0);
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(start)));
    assertEquals(JobStatus.CANCELLED, h.job(jobId).status());
    assertEquals(0, h.taskCount(jobId, null, null));
    assertEquals(0, taskMessagesWritten(h, jobId));
  }

  @Test
  void onlyQueuedOrProcessingJobsCanBeCancelled() {
    Started done = TaskExecutionSupport.start(h, "cancel-completed", 1);
    TaskExecutor executor =
        h.engine.taskExecutor(List.of(TaskExecutionSupport.succeeding()), LEASE, POLICY);
    try {
      assertEquals(Outcome.COMPLETED, executor.execute(done.message(0)));
      TaskExecutionSupport.runToEnd(h, done.jobId(), executor);
    } finally {
      executor.close();
    }
    assertEquals(JobStatus.COMPLETED, h.job(done.jobId()).status());

    GeoMachineException completed =
        assertThrows(GeoMachineException.class, () -> cancel(done.jobId()));
    assertEquals(ErrorCode.INVALID_STATE, completed.code());
    assertEquals(
        "job " + done.jobId() + " is completed; only queued or processing jobs can be cancelled",
        completed.getMessage());
    assertEquals(JobStatus.COMPLETED, h.job(done.jobId()).status());
    assertEquals("completed", task(h.pool, done.taskId(0)).status());

    Started twice = TaskExecutionSupport.start(h, "cancel-twice", 1);
    cancel(twice.jobId());
    GeoMachineException again =
        assertThrows(GeoMachineException.class, () -> cancel(twice.jobId()));
    assertEquals(ErrorCode.INVALID_STATE, again.code());
    assertEquals(
        "job " + twice.jobId() + " is cancelled; only queued or processing jobs can be cancelled",
        again.getMessage());

    String unknown = "f".repeat(64);
    GeoMachineException missing = assertThrows(GeoMachineException.class, () -> cancel(unknown));
    assertEquals(ErrorCode.JOB_NOT_FOUND, missing.code());
    assertEquals("no job with id '" + unknown + "'", missing.getMessage());
  }

  @Test
  void aCancelledJobCanBeRerunAndCompletes() {
    Started job = TaskExecutionSupport.start(h, "cancel-rerun", 2);
    TaskExecutor executor =
        h.engine.taskExecutor(List.of(TaskExecutionSupport.succeeding()), LEASE, POLICY);
    try {
      assertEquals(Outcome.COMPLETED, executor.execute(job.message(0)));
      cancel(job.jobId());
      assertEquals(1, h.taskCount(job.jobId(), 1, "cancelled"));

      Job rerun = Sql.await(h.engine.submission().rerun(job.jobId()));
      assertEquals(JobStatus.QUEUED, rerun.status());
      assertEquals(1, rerun.stage());
      assertNull(rerun.errorDetails());
      assertEquals(0, h.taskCount(job.jobId(), null, null), "the old tasks are gone");

      TaskExecutionSupport.runToEnd(h, job.jobId(), executor);
    } finally {
      executor.close();
    }
    Job finished = h.job(job.jobId());
    assertEquals(JobStatus.COMPLETED, finished.status(), finished.errorDetails());
    assertEquals(new JsonObject().put("done", 2), finished.resultData());
    assertEquals(2, h.taskCount(job.jobId(), 1, "completed"));
    assertEquals(1, task(h.pool, job.taskId(0)).attempts(), "a fresh task, not the old one");
  }

  /**
   * The handler fails retryably after the job was cancelled but before a heartbeat told the worker:
   * the task must end cancelled rather than wait for a retry that the claim will always refuse.
   */
  @Test
  void aRetryableFailureAfterTheJobWasCancelledEndsTheTaskCancelled() throws Exception {
    Started job = TaskExecutionSupport.start(h, "cancel-then-fail", 1);
    String taskId = job.taskId(0);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              started.countDown();
              assertTrue(finish.await(20, TimeUnit.SECONDS));
              throw new TaskFailure("FLAKY", "gave up", true);
            });
    // No heartbeat during the test.
    TaskExecutor executor =
        h.engine.taskExecutor(
            List.of(handler),
            new LeaseSettings("unaware-worker", Duration.ofSeconds(30), Duration.ofSeconds(60)),
            POLICY);
    try {
      Future<Outcome> outcome = threads.submit(() -> executor.execute(job.message(0)));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      cancel(job.jobId());
      finish.countDown();
      outcome.get(10, TimeUnit.SECONDS);
      for (JsonObject m :
          collectSent(h, Destination.RASTER_TASKS, job.jobId(), Duration.ofMillis(600))) {
        assertEquals(Outcome.SKIPPED, executor.execute(TaskMessage.fromJson(m)));
      }
    } finally {
      finish.countDown();
      executor.close();
    }
    assertEquals("cancelled", task(h.pool, taskId).status(), "the task never ends");
    assertEquals(0, h.outboxCount(Destination.RASTER_TASKS, job.jobId()));
    assertEquals(1, handler.calls.get());
  }

  /**
   * The worker running a task of a cancelled job died, so no heartbeat will stop the task; the
   * watchdog is what ends it. It must end terminal (cancelled), not be retried into a task the
   * claim then refuses forever.
   */
  @Test
  void aDeadWorkersTaskOfACancelledJobEndsCancelled() {
    Started job = TaskExecutionSupport.start(h, "cancel-dead-worker", 1);
    String taskId = job.taskId(0);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, taskId, "dead-worker", 1)));
    cancel(job.jobId());
    assertEquals("processing", task(h.pool, taskId).status(), "left to its heartbeat");
    awaitLeaseExpired(h.pool, taskId);

    Sql.await(h.engine.leaseWatchdog(POLICY).run(100));
    // Deliver whatever the watchdog queued, as a worker would.
    TaskExecutor executor =
        h.engine.taskExecutor(List.of(TaskExecutionSupport.succeeding()), LEASE, POLICY);
    try {
      for (JsonObject m :
          collectSent(h, Destination.RASTER_TASKS, job.jobId(), Duration.ofMillis(600))) {
        assertEquals(Outcome.SKIPPED, executor.execute(TaskMessage.fromJson(m)));
      }
    } finally {
      executor.close();
    }
    assertEquals("cancelled", task(h.pool, taskId).status(), "the task never ends");
    assertEquals(0, h.outboxCount(Destination.RASTER_TASKS, job.jobId()));
    assertEquals(JobStatus.CANCELLED, h.job(job.jobId()).status());
  }
}
