package io.geomachine.core.engine;

import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.ExpiredLease;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The janitor's task watchdog: a running task whose lease expired belongs to a worker that died (or
 * lost its database). It is retried with backoff while its retry policy allows, and failed
 * otherwise, through the same function every completion uses, so its stage still ends exactly once.
 */
public final class LeaseWatchdog {
  private static final Logger LOG = Logger.getLogger(LeaseWatchdog.class);

  /** What a pass did. */
  public record Report(int scanned, int retried, int failed, JsonObject actions) {}

  private final Pool pool;
  private final JobRegistry registry;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final JanitorRunRepository runs;
  private final RetryPolicy retryPolicy;
  private final Runnable afterCommitWithMessages;

  public LeaseWatchdog(
      Pool pool,
      JobRegistry registry,
      TaskRepository tasks,
      OutboxRepository outbox,
      JanitorRunRepository runs,
      RetryPolicy retryPolicy,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.registry = registry;
    this.tasks = tasks;
    this.outbox = outbox;
    this.runs = runs;
    this.retryPolicy = retryPolicy;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  public Uni<Report> run(int limit) {
    long started = System.currentTimeMillis();
    return pool.withTransaction(
            c -> tasks.lockExpiredLeases(c, limit).chain(expired -> handle(c, expired, started)))
        .invoke(
            report -> {
              if (report.retried() + report.failed() > 0) {
                LOG.infof("task watchdog: %s", report.actions());
                afterCommitWithMessages.run();
              }
            });
  }

  private Uni<Report> handle(SqlClient c, List<ExpiredLease> expired, long started) {
    JsonArray retried = new JsonArray();
    JsonArray failed = new JsonArray();
    JsonArray cancelled = new JsonArray();
    return Multi.createFrom()
        .iterable(expired)
        .onItem()
        .transformToUniAndConcatenate(
            lease ->
                retryPolicy.allowsRetry(lease.retryCount())
                    ? retry(c, lease)
                        .invoke(
                            jobCancelled ->
                                (jobCancelled ? cancelled : retried).add(lease.taskId()))
                        .replaceWithVoid()
                    : fail(c, lease).invoke(() -> failed.add(lease.taskId())))
        .collect()
        .last()
        .chain(
            () -> {
              JsonObject actions = new JsonObject().put("retried", retried).put("failed", failed);
              if (!cancelled.isEmpty()) {
                actions.put("cancelled", cancelled);
              }
              int fixed = retried.size() + failed.size() + cancelled.size();
              Uni<String> record =
                  expired.isEmpty()
                      ? Uni.createFrom().item("")
                      : runs.record(
                          c,
                          JanitorRunType.TASK_WATCHDOG,
                          started,
                          expired.size(),
                          fixed,
                          actions,
                          null);
              return record.replaceWith(
                  new Report(expired.size(), retried.size(), failed.size(), actions));
            });
  }

  /** Retries the task, or cancels it when its job was cancelled (true then). */
  private Uni<Boolean> retry(SqlClient c, ExpiredLease lease) {
    Duration delay = retryPolicy.delayBefore(lease.retryCount());
    double seconds = delay.toMillis() / 1000.0;
    String error = "LEASE_EXPIRED: worker " + lease.workerId() + " stopped renewing its lease";
    Destination queue = queueOf(lease);
    JsonObject message =
        new TaskMessage(lease.taskId(), lease.jobId(), lease.taskType(), lease.stage()).toJson();
    return tasks
        .scheduleRetry(c, lease.taskId(), lease.workerId(), error, seconds)
        .call(
            target ->
                target == null || target.cancelled()
                    ? Uni.createFrom().voidItem()
                    : outbox.enqueueDelayed(c, queue, message, seconds))
        .map(target -> target != null && target.cancelled());
  }

  private Uni<Void> fail(SqlClient c, ExpiredLease lease) {
    String error =
        "LEASE_EXPIRED: worker "
            + lease.workerId()
            + " stopped renewing its lease and no retries remain ("
            + lease.retryCount()
            + " retries)";
    return TaskFailing.fail(c, tasks, outbox, lease.taskId(), lease.jobId(), lease.stage(), error)
        .replaceWithVoid();
  }

  private Destination queueOf(ExpiredLease lease) {
    return TaskQueues.of(registry, lease.jobType(), lease.stage());
  }
}
