package io.geomachine.core.engine;

import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.repository.ClaimedTask;
import io.geomachine.core.repository.Finished;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.Completion;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A worker's logic for one task message.
 *
 * <ol>
 *   <li>Claim the task: a guarded queued|retrying → processing that takes a lease in PostgreSQL (a
 *       task whose retry is due first moves pending_retry → retrying). A duplicate message finds
 *       nothing to claim, so a handler never runs twice at once.
 *   <li>Tell the caller it was claimed (the listener acknowledges the broker message then: the
 *       database lease, not the broker's lock, keeps a long task alive).
 *   <li>Run the handler while a heartbeat renews the lease; the heartbeat stops the handler when
 *       the job was cancelled or the lease was lost.
 *   <li>Finish: success or a permanent failure completes the task through {@code
 *       app.complete_task_and_check_stage} (group-committed, {@link CompletionBatcher}); a
 *       retryable failure schedules a retry with backoff (a delayed outbox message) while retries
 *       remain.
 * </ol>
 *
 * <p>Blocking by design: it runs on a worker thread, because handlers call GDAL and storage.
 */
public final class TaskExecutor {
  private static final Logger LOG = Logger.getLogger(TaskExecutor.class);
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(60);

  /** What happened to a task message. */
  public enum Outcome {
    COMPLETED,
    FAILED,
    RETRY_SCHEDULED,
    CANCELLED,
    /** Not claimable: a duplicate message, or a task that is done, cancelled, gone or not due. */
    SKIPPED
  }

  /** How this worker holds tasks. */
  public record LeaseSettings(String workerId, Duration lease, Duration heartbeat) {}

  private final Pool pool;
  private final JobRegistry registry;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
  private final CompletionBatcher completions;
  private final LeaseSettings lease;
  private final RetryPolicy retryPolicy;
  private final Runnable afterCommitWithMessages;
  private final Heartbeats heartbeats;

  public TaskExecutor(
      Pool pool,
      JobRegistry registry,
      TaskRepository tasks,
      OutboxRepository outbox,
      Collection<? extends TaskHandler> handlers,
      LeaseSettings lease,
      RetryPolicy retryPolicy,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.registry = registry;
    this.tasks = tasks;
    this.outbox = outbox;
    this.lease = lease;
    this.retryPolicy = retryPolicy;
    this.afterCommitWithMessages = afterCommitWithMessages;
    this.completions = new CompletionBatcher(pool, tasks, outbox, afterCommitWithMessages);
    this.heartbeats = new Heartbeats(pool, tasks, lease);
    for (TaskHandler h : handlers) {
      if (this.handlers.put(h.taskType(), h) != null) {
        throw new IllegalArgumentException("two handlers for task type " + h.taskType());
      }
    }
  }

  public Collection<String> taskTypes() {
    return handlers.keySet();
  }

  public Outcome execute(TaskMessage message) {
    return execute(message, () -> {});
  }

  /**
   * Runs one task message; {@code onClaimed} runs once the task is claimed (or not at all when it
   * is skipped).
   */
  public Outcome execute(TaskMessage message, Runnable onClaimed) {
    ClaimedTask task = claim(message.taskId());
    if (task == null) {
      LOG.debugf("task %s not claimable (duplicate, done or not due); skipped", message.taskId());
      return Outcome.SKIPPED;
    }
    onClaimed.run();
    Heartbeats.Running running = heartbeats.start(task.taskId());
    Attempt attempt;
    try {
      attempt = run(task);
    } finally {
      running.stop();
    }
    if (running.jobCancelled()) {
      await(tasks.cancelRunning(pool, task.taskId()));
      LOG.infof("task %s stopped: its job was cancelled or failed", task.taskId());
      return Outcome.CANCELLED;
    }
    if (running.leaseLost()) {
      LOG.warnf("task %s lost its lease while running; its outcome is dropped", task.taskId());
      return Outcome.SKIPPED;
    }
    if (attempt.error() == null) {
      return complete(task, attempt.result(), null) ? Outcome.COMPLETED : Outcome.SKIPPED;
    }
    if (attempt.retryable() && retryPolicy.allowsRetry(task.retryCount())) {
      return scheduleRetry(task, attempt.error());
    }
    String error =
        attempt.retryable()
            ? "RETRIES_EXHAUSTED after " + (task.retryCount() + 1) + " attempts: " + attempt.error()
            : attempt.error();
    return complete(task, null, error) ? Outcome.FAILED : Outcome.SKIPPED;
  }

  private ClaimedTask claim(String taskId) {
    double leaseSeconds = lease.lease().toMillis() / 1000.0;
    ClaimedTask task = await(tasks.claim(pool, taskId, lease.workerId(), leaseSeconds));
    if (task == null && Boolean.TRUE.equals(await(tasks.startDueRetry(pool, taskId)))) {
      task = await(tasks.claim(pool, taskId, lease.workerId(), leaseSeconds));
    }
    return task;
  }

  /** What one run of a handler gave. */
  private record Attempt(JsonObject result, String error, boolean retryable) {}

  private Attempt run(ClaimedTask task) {
    TaskHandler handler = handlers.get(task.taskType());
    if (handler == null) {
      return new Attempt(
          null,
          "UNKNOWN_TASK_TYPE: no handler for task type '"
              + task.taskType()
              + "' on this worker (it runs: "
              + String.join(", ", handlers.keySet())
              + ")",
          false);
    }
    try {
      JsonObject result =
          handler.handle(
              new TaskInput(
                  task.taskId(),
                  task.jobId(),
                  task.jobType(),
                  task.stage(),
                  task.taskIndex(),
                  task.parameters()));
      return new Attempt(result == null ? new JsonObject() : result, null, false);
    } catch (TaskFailure f) {
      return new Attempt(null, f.code() + ": " + f.getMessage(), f.retryable());
    } catch (InterruptedException e) {
      Thread.interrupted();
      return new Attempt(null, "INTERRUPTED: " + e.getMessage(), true);
    } catch (Exception e) {
      LOG.errorf(e, "task %s (%s) crashed", task.taskId(), task.taskType());
      return new Attempt(null, "HANDLER_ERROR: " + e, true);
    }
  }

  private Outcome scheduleRetry(ClaimedTask task, String error) {
    Duration delay = retryPolicy.delayBefore(task.retryCount());
    Destination queue = registry.require(task.jobType()).stage(task.stage()).queue().destination();
    JsonObject message =
        new TaskMessage(task.taskId(), task.jobId(), task.taskType(), task.stage()).toJson();
    TaskRepository.RetryTarget target =
        await(
            pool.withTransaction(
                c ->
                    tasks
                        .scheduleRetry(
                            c, task.taskId(), lease.workerId(), error, delay.toMillis() / 1000.0)
                        .call(
                            t ->
                                t == null || t.cancelled()
                                    ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                                    : outbox.enqueueDelayed(
                                        c, queue, message, delay.toMillis() / 1000.0))));
    if (target == null) {
      LOG.warnf("task %s was no longer ours when it failed; its retry is dropped", task.taskId());
      return Outcome.SKIPPED;
    }
    if (target.cancelled()) {
      LOG.infof("task %s failed after its job was cancelled; cancelled", task.taskId());
      return Outcome.CANCELLED;
    }
    LOG.infof("task %s will be retried in %s: %s", task.taskId(), delay, error);
    afterCommitWithMessages.run();
    return Outcome.RETRY_SCHEDULED;
  }

  /** Completes or fails the task; false when it was no longer ours (the outcome is dropped). */
  private boolean complete(ClaimedTask task, JsonObject result, String error) {
    Completion done =
        completions.complete(
            new Finished(
                task.taskId(), task.jobId(), task.stage(), result, error, lease.workerId()));
    if (!done.taskUpdated()) {
      LOG.warnf("task %s was no longer ours when it finished; result dropped", task.taskId());
    }
    return done.taskUpdated();
  }

  private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
    return uni.await().atMost(DB_TIMEOUT);
  }

  /** Stops the heartbeat thread (at shutdown). */
  public void close() {
    heartbeats.close();
  }
}
