package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.awaitSent;
import static io.geomachine.core.engine.TaskExecutionSupport.outboxRowsFor;
import static io.geomachine.core.engine.TaskExecutionSupport.retryDelayMillis;
import static io.geomachine.core.engine.TaskExecutionSupport.stageCompletedCount;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Scripted;
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
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries: a retryable failure goes to pending_retry with exponential backoff and jitter and a
 * delayed outbox message, and is retried through retrying → processing until it succeeds or its
 * retries run out; permanent failures fail at once.
 */
class TaskRetriesTest {
  private static final LeaseSettings LEASE =
      new LeaseSettings("retry-worker", Duration.ofSeconds(30), Duration.ofSeconds(5));

  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_task_retries");
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

  private static TaskExecutor executor(Scripted handler, RetryPolicy policy) {
    return h.engine.taskExecutor(List.of(handler), LEASE, policy);
  }

  @Test
  void aRetryableFailureIsRetriedWithGrowingBackoffUntilItSucceeds() {
    Started job = TaskExecutionSupport.start(h, "backoff", 1);
    TaskMessage message = job.message(0);
    String taskId = message.taskId();
    List<TaskRow> seenByHandler = new CopyOnWriteArrayList<>();
    Scripted handler =
        new Scripted(
            (input, call) -> {
              seenByHandler.add(task(h.pool, input.taskId()));
              if (call < 3) {
                throw new TaskFailure("FLAKY", "attempt " + call + " failed", true);
              }
              return new JsonObject().put("succeeded_on", call);
            });
    TaskExecutor executor =
        executor(handler, new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5)));
    try {
      // Attempt 1 fails: pending_retry, due after 200 ms × [0.5, 1).
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(message));
      TaskRow afterFirst = task(h.pool, taskId);
      assertEquals("pending_retry", afterFirst.status());
      assertEquals("FLAKY: attempt 1 failed", afterFirst.error());
      assertEquals(0, afterFirst.retryCount());
      assertEquals(1, afterFirst.attempts());
      assertTrue(afterFirst.nextAttemptSet());
      assertNull(afterFirst.workerId(), "the lease is released while the task waits");
      assertNull(afterFirst.leaseExpiresAt());
      long firstDelay = retryDelayMillis(h.pool, message);
      assertTrue(firstDelay >= 100 && firstDelay < 200, "first backoff " + firstDelay + " ms");

      // Attempt 2: the delayed message, once due, is delivered; execute() moves the task
      // pending_retry → retrying (retry_count 1) → processing itself.
      TaskMessage retry1 =
          TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
      assertEquals(message, retry1);
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(retry1));
      TaskRow during2 = seenByHandler.get(1);
      assertEquals("processing", during2.status());
      assertEquals(1, during2.retryCount());
      assertEquals(2, during2.attempts());
      assertEquals("retry-worker", during2.workerId());
      TaskRow afterSecond = task(h.pool, taskId);
      assertEquals("pending_retry", afterSecond.status());
      assertEquals("FLAKY: attempt 2 failed", afterSecond.error());
      assertEquals(1, afterSecond.retryCount());
      long secondDelay = retryDelayMillis(h.pool, message);
      // 400 ms × [0.5, 1): does not overlap the first range, so the backoff grew.
      assertTrue(secondDelay >= 200 && secondDelay < 400, "second backoff " + secondDelay + " ms");

      // Attempt 3: this time the function's step is taken by hand to see "retrying".
      TaskMessage retry2 =
          TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
      assertTrue(Sql.await(h.engine.tasks().startDueRetry(h.pool, taskId)));
      TaskRow retrying = task(h.pool, taskId);
      assertEquals("retrying", retrying.status());
      assertEquals(2, retrying.retryCount());
      assertFalse(
          Sql.await(h.engine.tasks().startDueRetry(h.pool, taskId)),
          "a task that is not pending_retry does not start another retry");
      assertEquals(2, task(h.pool, taskId).retryCount());
      assertEquals(Outcome.COMPLETED, executor.execute(retry2));
      assertEquals(3, handler.calls.get());
      assertEquals(2, seenByHandler.get(2).retryCount());
      assertEquals(3, seenByHandler.get(2).attempts());

      TaskRow done = task(h.pool, taskId);
      assertEquals("completed", done.status());
      assertEquals(2, done.retryCount());
      assertEquals(3, done.attempts());
      assertNull(done.error(), "a task that finally succeeded keeps no error");
      assertEquals(new JsonObject().put("succeeded_on", 3), done.result());
      assertEquals(0, outboxRowsFor(h.pool, taskId));
      assertEquals(1, stageCompletedCount(h, job.jobId(), 1));

      Sql.await(h.quietMachine().handle(JobMessage.stageCompleted(job.jobId(), 1)));
      Job finished = h.job(job.jobId());
      assertEquals(JobStatus.COMPLETED, finished.status(), finished.errorDetails());
      assertEquals(new JsonObject().put("done", 1), finished.resultData());
      // One original message and two retries, nothing else.
      assertEquals(3, h.sentCount(Destination.RASTER_TASKS, job.jobId()));
    } finally {
      executor.close();
    }
  }

  @Test
  void theOutboxHoldsARetryBackUntilItIsDue() {
    Started job = TaskExecutionSupport.start(h, "not-early", 1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              throw new TaskFailure("FLAKY", "not yet", true);
            });
    // 4 s × [0.5, 1): at least two seconds away.
    TaskExecutor executor =
        executor(handler, new RetryPolicy(3, Duration.ofSeconds(4), Duration.ofSeconds(10)));
    try {
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(job.message(0)));
      long delay = retryDelayMillis(h.pool, job.message(0));
      assertTrue(delay >= 2000 && delay < 4000, "backoff " + delay + " ms");

      h.publishDue();
      assertEquals(1, outboxRowsFor(h.pool, job.taskId(0)), "the retry was published early");
      assertEquals(
          1, h.sentCount(Destination.RASTER_TASKS, job.jobId()), "only the first message went out");
      assertEquals(1, handler.calls.get());
      assertEquals("pending_retry", task(h.pool, job.taskId(0)).status());
    } finally {
      executor.close();
    }
  }

  /**
   * A duplicate of a task message (the broker delivers at least once) must not start a retry before
   * its backoff has elapsed: {@link TaskExecutor.Outcome#SKIPPED} documents "not due".
   */
  @Test
  void anEarlyDuplicateDeliveryDoesNotCutTheBackoffShort() {
    Started job = TaskExecutionSupport.start(h, "early-duplicate", 1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              throw new TaskFailure("FLAKY", "call " + call, true);
            });
    TaskExecutor executor =
        executor(handler, new RetryPolicy(3, Duration.ofSeconds(4), Duration.ofSeconds(10)));
    try {
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(job.message(0)));
      Outcome duplicate = executor.execute(job.message(0));
      assertEquals(1, handler.calls.get(), "the retry ran before it was due");
      TaskRow row = task(h.pool, job.taskId(0));
      assertEquals("pending_retry", row.status());
      assertEquals(0, row.retryCount());
      assertEquals(1, row.attempts());
      assertEquals(Outcome.SKIPPED, duplicate);
    } finally {
      executor.close();
    }
  }

  @Test
  void exhaustedRetriesFailTheTaskAndThenTheJob() {
    Started job = TaskExecutionSupport.start(h, "exhausted", 1);
    TaskMessage message = job.message(0);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              throw new TaskFailure("FLAKY", "always flaky", true);
            });
    TaskExecutor executor =
        executor(handler, new RetryPolicy(2, Duration.ofMillis(40), Duration.ofSeconds(1)));
    try {
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(message));
      TaskMessage retry1 =
          TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(retry1));
      TaskMessage retry2 =
          TaskMessage.fromJson(awaitSent(h, Destination.RASTER_TASKS, job.jobId(), 1).get(0));
      assertEquals(Outcome.FAILED, executor.execute(retry2));
      assertEquals(3, handler.calls.get());

      TaskRow failed = task(h.pool, message.taskId());
      assertEquals("failed", failed.status());
      assertEquals("RETRIES_EXHAUSTED after 3 attempts: FLAKY: always flaky", failed.error());
      assertEquals(2, failed.retryCount());
      assertEquals(3, failed.attempts());
      assertNull(failed.result());
      assertNull(failed.leaseExpiresAt());
      assertEquals(0, outboxRowsFor(h.pool, message.taskId()), "no fourth attempt queued");
      assertEquals(1, stageCompletedCount(h, job.jobId(), 1));
      assertEquals(JobStatus.PROCESSING, h.job(job.jobId()).status());

      Sql.await(h.quietMachine().handle(JobMessage.stageCompleted(job.jobId(), 1)));
      Job j = h.job(job.jobId());
      assertEquals(JobStatus.FAILED, j.status());
      assertEquals(
          "stage 1 (work): 1 of 1 tasks failed; first error:"
              + " RETRIES_EXHAUSTED after 3 attempts: FLAKY: always flaky",
          j.errorDetails());
      // A late duplicate of the last message changes nothing.
      assertEquals(Outcome.SKIPPED, executor.execute(retry2));
      assertEquals(3, handler.calls.get());
    } finally {
      executor.close();
    }
  }

  @Test
  void aPermanentFailureFailsTheTaskAtOnce() {
    Started job = TaskExecutionSupport.start(h, "permanent", 1);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              throw TaskFailure.permanent("BAD_INPUT", "cannot read the raster");
            });
    TaskExecutor executor =
        executor(handler, new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5)));
    try {
      assertEquals(Outcome.FAILED, executor.execute(job.message(0)));
      TaskRow row = task(h.pool, job.taskId(0));
      assertEquals("failed", row.status());
      assertEquals("BAD_INPUT: cannot read the raster", row.error());
      assertEquals(0, row.retryCount());
      assertEquals(1, row.attempts());
      assertFalse(row.nextAttemptSet());
      assertEquals(0, outboxRowsFor(h.pool, job.taskId(0)), "no retry for a permanent failure");
      assertEquals(1, stageCompletedCount(h, job.jobId(), 1));
      assertEquals(1, h.sentCount(Destination.RASTER_TASKS, job.jobId()));
      assertEquals(1, handler.calls.get());

      Sql.await(h.quietMachine().handle(JobMessage.stageCompleted(job.jobId(), 1)));
      assertEquals(
          "stage 1 (work): 1 of 1 tasks failed; first error: BAD_INPUT: cannot read the raster",
          h.job(job.jobId()).errorDetails());
      assertEquals(JobStatus.FAILED, h.job(job.jobId()).status());
    } finally {
      executor.close();
    }
  }

  @Test
  void anUnexpectedExceptionIsRetryable() {
    Started job = TaskExecutionSupport.start(h, "crash", 2);
    Scripted handler =
        new Scripted(
            (input, call) -> {
              if (input.taskIndex().equals("0")) {
                throw new IllegalStateException("boom");
              }
              throw new IOException("disk gone");
            });
    TaskExecutor executor =
        executor(handler, new RetryPolicy(3, Duration.ofSeconds(4), Duration.ofSeconds(10)));
    try {
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(job.message(0)));
      assertEquals(Outcome.RETRY_SCHEDULED, executor.execute(job.message(1)));
      TaskRow runtime = task(h.pool, job.taskId(0));
      assertEquals("pending_retry", runtime.status());
      assertEquals("HANDLER_ERROR: java.lang.IllegalStateException: boom", runtime.error());
      TaskRow checked = task(h.pool, job.taskId(1));
      assertEquals("pending_retry", checked.status());
      assertEquals("HANDLER_ERROR: java.io.IOException: disk gone", checked.error());
      assertEquals(1, outboxRowsFor(h.pool, job.taskId(0)));
      assertEquals(1, outboxRowsFor(h.pool, job.taskId(1)));
      assertEquals(0, stageCompletedCount(h, job.jobId(), 1));
    } finally {
      executor.close();
    }
  }

  /**
   * RetryPolicy documents the jitter factor as [0.5, 1.0): the delay must stay strictly below the
   * exponential bound, so consecutive retries' ranges never overlap.
   */
  @Test
  void backoffStaysWithinItsHalfOpenJitterRange() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));
    long[][] expected = {{100, 200}, {200, 400}, {400, 800}, {800, 1600}, {1600, 3200}};
    for (int retry = 0; retry < expected.length; retry++) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < 20_000; i++) {
        long ms = policy.delayBefore(retry).toMillis();
        min = Math.min(min, ms);
        max = Math.max(max, ms);
      }
      assertTrue(min >= expected[retry][0], "retry " + retry + ": min " + min);
      assertTrue(max < expected[retry][1], "retry " + retry + ": max " + max);
    }
    // Past the cap every delay is in [maxDelay / 2, maxDelay).
    for (int i = 0; i < 20_000; i++) {
      long ms = policy.delayBefore(10).toMillis();
      assertTrue(ms >= 2500 && ms < 5000, "capped delay " + ms);
    }
  }
}
