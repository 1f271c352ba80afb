package io.geomachine.core.repository;

import io.geomachine.core.job.TaskResult;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All SQL on {@code app.tasks}. Status changes are guarded updates; stage creation is one statement
 * per stage, whatever its size, and idempotent (deterministic ids, ON CONFLICT DO NOTHING).
 */
public final class TaskRepository {
  /** Natural order of task indexes: "2" before "10". */
  static final String INDEX_ORDER = "length(task_index), task_index";

  /** Result of {@code app.complete_task_and_check_stage}. */
  public record Completion(boolean taskUpdated, boolean lastTaskInStage, int remainingTasks) {}

  /**
   * Creates a stage's tasks and its progress counter ({@code app.stage_progress}) in one round
   * trip; returns how many tasks were new.
   */
  public Uni<Integer> insertStage(SqlClient c, NewStage s) {
    String[] params = s.parameters().stream().map(JsonObject::encode).toArray(String[]::new);
    return Rows.exec(
            c,
            "WITH new_tasks AS ("
                + " INSERT INTO app.tasks (task_id, parent_job_id, job_type, task_type, stage,"
                + " task_index, parameters)"
                + " SELECT t.task_id, $1, $2, $3, $4, t.task_index, t.parameters::jsonb"
                + " FROM unnest($5::varchar[], $6::varchar[], $7::text[])"
                + " AS t(task_id, task_index, parameters)"
                + " ON CONFLICT (task_id) DO NOTHING RETURNING 1),"
                + " progress AS ("
                + " INSERT INTO app.stage_progress (job_id, stage, task_count)"
                + " VALUES ($1, $4, cardinality($5::varchar[]))"
                + " ON CONFLICT (job_id, stage) DO NOTHING)"
                + " SELECT count(*) AS created FROM new_tasks",
            Tuple.tuple()
                .addString(s.jobId())
                .addString(s.jobType())
                .addString(s.taskType())
                .addInteger(s.stage())
                .addArrayOfString(s.taskIds().toArray(String[]::new))
                .addArrayOfString(s.taskIndexes().toArray(String[]::new))
                .addArrayOfString(params))
        .map(rs -> rs.iterator().next().getLong("created").intValue());
  }

  /**
   * Claims a task for execution: queued or retrying → processing, guarded, and only while its job
   * is processing (a cancelled or finished job's tasks never start). The claim takes a lease of
   * {@code leaseSeconds} for {@code workerId} and counts the attempt. Null when the task is in any
   * other status (already running, done, cancelled, waiting for its retry) or does not exist.
   */
  public Uni<ClaimedTask> claim(SqlClient c, String taskId, String workerId, double leaseSeconds) {
    return Rows.exec(
            c,
            "UPDATE app.tasks t SET status = 'processing', heartbeat = NOW(),"
                + " lease_expires_at = LOCALTIMESTAMP + make_interval(secs => $3), worker_id = $2,"
                + " attempts = t.attempts + 1, next_attempt_at = NULL"
                + " WHERE t.task_id = $1 AND t.status IN ('queued', 'retrying')"
                + " AND EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = t.parent_job_id"
                + " AND j.status IN ('queued', 'processing'))"
                + " RETURNING t.task_id, t.parent_job_id, t.job_type, t.task_type, t.stage,"
                + " t.task_index, t.parameters, t.retry_count",
            Tuple.of(taskId, workerId, leaseSeconds))
        .map(rs -> Rows.first(rs, TaskRepository::claimed));
  }

  private static ClaimedTask claimed(Row r) {
    return new ClaimedTask(
        r.getString("task_id"),
        r.getString("parent_job_id"),
        r.getString("job_type"),
        r.getString("task_type"),
        r.getInteger("stage"),
        r.getString("task_index"),
        r.getJsonObject("parameters"),
        r.getInteger("retry_count"));
  }

  /** Claims a task for an operator tool or a test: worker "manual", a five-minute lease. */
  public Uni<ClaimedTask> claim(SqlClient c, String taskId) {
    return claim(c, taskId, "manual", 300);
  }

  /**
   * A task whose retry is due starts its next attempt: pending_retry → retrying through {@code
   * app.increment_task_retry_count}. False when the task was not waiting for a retry, or its retry
   * is not due yet (an early duplicate of the retry message must not cut the backoff short).
   */
  public Uni<Boolean> startDueRetry(SqlClient c, String taskId) {
    return Rows.exec(
            c,
            "SELECT r.new_retry_count FROM app.tasks t"
                + " CROSS JOIN LATERAL app.increment_task_retry_count(t.task_id) r"
                + " WHERE t.task_id = $1 AND t.status = 'pending_retry'"
                + " AND t.next_attempt_at <= LOCALTIMESTAMP",
            Tuple.of(taskId))
        .map(
            rs -> rs.rowCount() == 1 && rs.iterator().next().getInteger("new_retry_count") != null);
  }

  /** Result of a heartbeat: whether the lease is still held, and the job's status. */
  public record Heartbeat(boolean leaseHeld, String jobStatus) {}

  /** Renews a running task's lease if {@code workerId} still holds it. */
  public Uni<Heartbeat> renewLease(
      SqlClient c, String taskId, String workerId, double leaseSeconds) {
    return Rows.exec(
            c,
            "UPDATE app.tasks t SET heartbeat = NOW(),"
                + " lease_expires_at = LOCALTIMESTAMP + make_interval(secs => $3)"
                + " WHERE t.task_id = $1 AND t.status = 'processing' AND t.worker_id = $2"
                + " RETURNING (SELECT j.status::text FROM app.jobs j WHERE j.job_id = t.parent_job_id)"
                + " AS job_status",
            Tuple.of(taskId, workerId, leaseSeconds))
        .map(
            rs ->
                rs.rowCount() == 0
                    ? new Heartbeat(false, null)
                    : new Heartbeat(true, rs.iterator().next().getString("job_status")));
  }

  /**
   * A task to try again later; {@code cancelled} when its job had been cancelled, so the task was
   * cancelled instead and no retry is due.
   */
  public record RetryTarget(
      String taskId, String jobId, String taskType, int stage, boolean cancelled) {}

  /**
   * A retryable failure: processing → pending_retry, due in {@code delaySeconds}, with the error
   * kept; processing → cancelled instead when the task's job was cancelled (its retry would never
   * be claimed). Only for the worker that holds the lease ({@code workerId}). Null when the task
   * was no longer processing for that worker. The job row is share-locked first, so a concurrent
   * cancel either sees the pending_retry task (and cancels it) or is seen here.
   */
  public Uni<RetryTarget> scheduleRetry(
      SqlClient c, String taskId, String workerId, String error, double delaySeconds) {
    return Rows.exec(
            c,
            "WITH job AS (SELECT j.status FROM app.jobs j JOIN app.tasks t"
                + " ON t.parent_job_id = j.job_id WHERE t.task_id = $1 FOR SHARE OF j)"
                + " UPDATE app.tasks SET"
                + " status = CASE WHEN (SELECT status FROM job) = 'cancelled'"
                + " THEN 'cancelled'::app.task_status ELSE 'pending_retry'::app.task_status END,"
                + " error_details = $2,"
                + " next_attempt_at = CASE WHEN (SELECT status FROM job) = 'cancelled' THEN NULL"
                + " ELSE LOCALTIMESTAMP + make_interval(secs => $3) END,"
                + " lease_expires_at = NULL, worker_id = NULL, published_at = NULL"
                + " WHERE task_id = $1 AND status = 'processing' AND worker_id = $4"
                + " RETURNING task_id, parent_job_id, task_type, stage,"
                + " status = 'cancelled' AS cancelled",
            Tuple.of(taskId, error, delaySeconds, workerId))
        .map(
            rs ->
                Rows.first(
                    rs,
                    r ->
                        new RetryTarget(
                            r.getString("task_id"),
                            r.getString("parent_job_id"),
                            r.getString("task_type"),
                            r.getInteger("stage"),
                            r.getBoolean("cancelled"))));
  }

  /** A running task of a cancelled job stops: processing → cancelled. */
  public Uni<Boolean> cancelRunning(SqlClient c, String taskId) {
    return Rows.exec(
            c,
            "UPDATE app.tasks SET status = 'cancelled', lease_expires_at = NULL"
                + " WHERE task_id = $1 AND status = 'processing'",
            Tuple.of(taskId))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Cancels a job's tasks that have not started (queued or waiting for a retry). */
  public Uni<Integer> cancelNotStarted(SqlClient c, String jobId) {
    return Rows.exec(
            c,
            "UPDATE app.tasks SET status = 'cancelled', next_attempt_at = NULL"
                + " WHERE parent_job_id = $1 AND status IN ('queued', 'pending_retry', 'retrying')",
            Tuple.of(jobId))
        .map(rs -> rs.rowCount());
  }

  /**
   * Cancels every open task of a job, running ones included (their worker loses its lease, stops at
   * its next heartbeat, and its result is dropped); returns how many.
   */
  public Uni<Integer> cancelOpen(SqlClient c, String jobId) {
    return Rows.exec(
            c,
            "UPDATE app.tasks SET status = 'cancelled', next_attempt_at = NULL,"
                + " lease_expires_at = NULL, worker_id = NULL WHERE parent_job_id = $1"
                + " AND status IN ('queued', 'pending_retry', 'retrying', 'processing')",
            Tuple.of(jobId))
        .map(rs -> rs.rowCount());
  }

  /**
   * Records that these tasks' messages were handed to the broker ({@code sent}: the outbox relay,
   * in the transaction that deletes their outbox rows) or are waiting in the outbox again (the
   * orphan detector re-sending them). Only waiting tasks are marked, and rows another transaction
   * holds right now (a claim, a cancel) are skipped rather than waited for, so the relay never
   * blocks on, or deadlocks with, the workers.
   */
  public Uni<Void> markPublished(SqlClient c, List<String> taskIds, boolean sent) {
    if (taskIds.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Rows.exec(
            c,
            "UPDATE app.tasks t SET published_at = CASE WHEN $2 THEN LOCALTIMESTAMP END"
                + " FROM (SELECT task_id FROM app.tasks WHERE task_id = ANY($1::varchar[])"
                + " AND status IN ('queued', 'pending_retry', 'retrying')"
                + " ORDER BY task_id FOR UPDATE SKIP LOCKED) w WHERE t.task_id = w.task_id",
            Tuple.tuple().addArrayOfString(taskIds.toArray(String[]::new)).addBoolean(sent))
        .replaceWithVoid();
  }

  /**
   * Tasks of processing jobs still waiting to be claimed (queued, or a due retry) although their
   * message went to the broker more than {@code olderThanSeconds} ago: the message was probably
   * lost. Oldest first.
   */
  public Uni<List<WaitingTask>> publishedButNotClaimed(
      SqlClient c, int olderThanSeconds, int limit) {
    return Rows.exec(
            c,
            "SELECT t.task_id, t.parent_job_id, t.job_type, t.task_type, t.stage FROM app.tasks t"
                + " WHERE t.status IN ('queued', 'pending_retry', 'retrying')"
                + " AND t.published_at < LOCALTIMESTAMP - make_interval(secs => $1)"
                + " AND EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = t.parent_job_id"
                + " AND j.status = 'processing') ORDER BY t.published_at LIMIT $2",
            Tuple.of(olderThanSeconds, limit))
        .map(
            rs ->
                Rows.list(
                    rs,
                    r ->
                        new WaitingTask(
                            r.getString("task_id"),
                            r.getString("parent_job_id"),
                            r.getString("job_type"),
                            r.getString("task_type"),
                            r.getInteger("stage"))));
  }

  /**
   * Processing tasks whose lease expired, locked for this transaction (SKIP LOCKED: janitor
   * replicas never take the same task).
   */
  public Uni<List<ExpiredLease>> lockExpiredLeases(SqlClient c, int limit) {
    return Rows.exec(
            c,
            "SELECT task_id, parent_job_id, job_type, task_type, stage, retry_count, worker_id"
                + " FROM app.tasks"
                + " WHERE status = 'processing' AND lease_expires_at < LOCALTIMESTAMP"
                + " ORDER BY lease_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED",
            Tuple.of(limit))
        .map(
            rs ->
                Rows.list(
                    rs,
                    r ->
                        new ExpiredLease(
                            r.getString("task_id"),
                            r.getString("parent_job_id"),
                            r.getString("job_type"),
                            r.getString("task_type"),
                            r.getInteger("stage"),
                            r.getInteger("retry_count"),
                            r.getString("worker_id"))));
  }

  /**
   * Completes a processing task (error null) or fails it (error set) through {@code
   * app.complete_task_and_check_stage}.
   */
  public Uni<Completion> complete(
      SqlClient c, String taskId, String jobId, int stage, JsonObject result, String error) {
    return Rows.exec(
            c,
            "SELECT * FROM app.complete_task_and_check_stage($1, $2, $3, $4, $5)",
            Tuple.of(taskId, jobId, stage, result, error))
        .map(rs -> completion(rs.iterator().next()));
  }

  /**
   * Completes many tasks in one statement through {@code app.complete_task_and_check_stage}, in the
   * given order (callers sort by job and stage so concurrent batches lock stage counters in the
   * same order). Returns one completion per input, in input order.
   */
  public Uni<List<Completion>> completeAll(SqlClient c, List<Finished> batch) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] jobIds = new String[n];
    Integer[] stages = new Integer[n];
    String[] results = new String[n];
    String[] errors = new String[n];
    String[] workers = new String[n];
    for (int i = 0; i < n; i++) {
      Finished f = batch.get(i);
      ids[i] = f.taskId();
      jobIds[i] = f.jobId();
      stages[i] = f.stage();
      results[i] = f.result() == null ? null : f.result().encode();
      errors[i] = f.error();
      workers[i] = f.workerId();
    }
    return Rows.exec(
            c,
            "SELECT t.ord, r.task_updated, r.is_last_task_in_stage, r.remaining_tasks"
                + " FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::text[], $5::text[],"
                + " $6::varchar[])"
                + " WITH ORDINALITY AS t(task_id, job_id, stage, result, error, worker, ord)"
                + " CROSS JOIN LATERAL app.complete_task_and_check_stage("
                + "t.task_id, t.job_id, t.stage, t.result::jsonb, t.error, t.worker) r"
                + " ORDER BY t.ord",
            Tuple.tuple()
                .addArrayOfString(ids)
                .addArrayOfString(jobIds)
                .addArrayOfInteger(stages)
                .addArrayOfString(results)
                .addArrayOfString(errors)
                .addArrayOfString(workers))
        .map(rs -> Rows.list(rs, TaskRepository::completion));
  }

  private static Completion completion(Row r) {
    return new Completion(
        r.getBoolean("task_updated"),
        r.getBoolean("is_last_task_in_stage"),
        r.getInteger("remaining_tasks"));
  }

  /** Results of one stage's tasks, in natural index order. */
  public Uni<List<TaskResult>> stageResults(SqlClient c, String jobId, int stage) {
    return Rows.exec(
            c,
            "SELECT task_id, task_index, status, result_data, error_details FROM app.tasks"
                + " WHERE parent_job_id = $1 AND stage = $2 ORDER BY "
                + INDEX_ORDER,
            Tuple.of(jobId, stage))
        .map(rs -> Rows.list(rs, Rows::taskResult));
  }

  /** Successful results of every stage of a job, keyed by stage, each in natural index order. */
  public Uni<Map<Integer, List<TaskResult>>> succeededResultsByStage(SqlClient c, String jobId) {
    return Rows.exec(
            c,
            "SELECT stage, task_id, task_index, status, result_data, error_details FROM app.tasks"
                + " WHERE parent_job_id = $1 AND status = 'completed' ORDER BY stage, "
                + INDEX_ORDER,
            Tuple.of(jobId))
        .map(
            rs -> {
              Map<Integer, List<TaskResult>> out = new LinkedHashMap<>();
              rs.forEach(
                  r ->
                      out.computeIfAbsent(r.getInteger("stage"), k -> new ArrayList<>())
                          .add(Rows.taskResult(r)));
              return out;
            });
  }

  /** How many tasks of a job are in each status, per stage: {stage: {status: count}}. */
  public Uni<Map<Integer, Map<TaskStatus, Long>>> statusCounts(SqlClient c, String jobId) {
    return Rows.exec(
            c,
            "SELECT stage, status, count(*) AS n FROM app.tasks WHERE parent_job_id = $1"
                + " GROUP BY stage, status ORDER BY stage",
            Tuple.of(jobId))
        .map(
            rs -> {
              Map<Integer, Map<TaskStatus, Long>> out = new LinkedHashMap<>();
              rs.forEach(
                  r ->
                      out.computeIfAbsent(r.getInteger("stage"), k -> new LinkedHashMap<>())
                          .put(TaskStatus.fromSql(r.getString("status")), r.getLong("n")));
              return out;
            });
  }

  /** A page of a job's tasks, optionally of one stage or status, in stage and index order. */
  public Uni<List<Task>> listForJob(
      SqlClient c, String jobId, Integer stage, TaskStatus status, int limit, int offset) {
    return Rows.exec(
            c,
            "SELECT * FROM app.tasks WHERE parent_job_id = $1"
                + " AND ($2::int IS NULL OR stage = $2)"
                + " AND ($3::text IS NULL OR status = $3::app.task_status)"
                + " ORDER BY stage, "
                + INDEX_ORDER
                + " LIMIT $4 OFFSET $5",
            Tuple.of(jobId, stage, status == null ? null : status.sqlValue(), limit, offset))
        .map(rs -> Rows.list(rs, Rows::task));
  }

  /** Deletes every task of a job and its stage counters (before an explicit re-run). */
  public Uni<Integer> deleteForJob(SqlClient c, String jobId) {
    return Rows.exec(
            c,
            "WITH progress AS (DELETE FROM app.stage_progress WHERE job_id = $1)"
                + " DELETE FROM app.tasks WHERE parent_job_id = $1",
            Tuple.of(jobId))
        .map(rs -> rs.rowCount());
  }
}
