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

  /** The tasks of one stage, to create. */
  public record NewStage(
      String jobId,
      String jobType,
      String taskType,
      int stage,
      List<String> taskIds,
      List<String> taskIndexes,
      List<JsonObject> parameters) {}

  /** A task a worker has claimed. */
  public record ClaimedTask(
      String taskId,
      String jobId,
      String jobType,
      String taskType,
      int stage,
      String taskIndex,
      JsonObject parameters,
      int retryCount) {}

  /** Result of {@code app.complete_task_and_check_stage}. */
  public record Completion(boolean taskUpdated, boolean lastTaskInStage, int remainingTasks) {}

  /**
   * Creates a stage's tasks and its progress counter ({@code app.stage_progress}) in one round
   * trip; returns how many tasks were new.
   */
  public Uni<Integer> insertStage(SqlClient c, NewStage s) {
    String[] params = s.parameters().stream().map(JsonObject::encode).toArray(String[]::new);
    return c.preparedQuery(
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
                + " SELECT count(*) AS created FROM new_tasks")
        .execute(
            Tuple.tuple()
                .addString(s.jobId())
                .addString(s.jobType())
                .addString(s.taskType())
                .addInteger(s.stage())
                .addArrayOfString(s.taskIds().toArray(String[]::new))
                .addArrayOfString(s.taskIndexes().toArray(String[]::new))
                .addArrayOfString(params))
        .map(rs -> rs.iterator().next().getLong("created").intValue())
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Claims a task for execution: queued or retrying → processing, guarded. Null when the task is in
   * any other status (already running, done, cancelled) or does not exist.
   */
  public Uni<ClaimedTask> claim(SqlClient c, String taskId) {
    return c.preparedQuery(
            "UPDATE app.tasks SET status = 'processing', heartbeat = NOW()"
                + " WHERE task_id = $1 AND status IN ('queued', 'retrying')"
                + " RETURNING task_id, parent_job_id, job_type, task_type, stage, task_index,"
                + " parameters, retry_count")
        .execute(Tuple.of(taskId))
        .map(
            rs -> {
              if (rs.rowCount() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new ClaimedTask(
                  r.getString("task_id"),
                  r.getString("parent_job_id"),
                  r.getString("job_type"),
                  r.getString("task_type"),
                  r.getInteger("stage"),
                  r.getString("task_index"),
                  r.getJsonObject("parameters"),
                  r.getInteger("retry_count"));
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Completes a processing task (error null) or fails it (error set) through {@code
   * app.complete_task_and_check_stage}.
   */
  public Uni<Completion> complete(
      SqlClient c, String taskId, String jobId, int stage, JsonObject result, String error) {
    return c.preparedQuery("SELECT * FROM app.complete_task_and_check_stage($1, $2, $3, $4, $5)")
        .execute(Tuple.of(taskId, jobId, stage, result, error))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              return new Completion(
                  r.getBoolean("task_updated"),
                  r.getBoolean("is_last_task_in_stage"),
                  r.getInteger("remaining_tasks"));
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** One task's outcome, to complete in a batch. */
  public record Finished(String taskId, String jobId, int stage, JsonObject result, String error) {}

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
    for (int i = 0; i < n; i++) {
      Finished f = batch.get(i);
      ids[i] = f.taskId();
      jobIds[i] = f.jobId();
      stages[i] = f.stage();
      results[i] = f.result() == null ? null : f.result().encode();
      errors[i] = f.error();
    }
    return c.preparedQuery(
            "SELECT t.ord, r.task_updated, r.is_last_task_in_stage, r.remaining_tasks"
                + " FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::text[], $5::text[])"
                + " WITH ORDINALITY AS t(task_id, job_id, stage, result, error, ord)"
                + " CROSS JOIN LATERAL app.complete_task_and_check_stage("
                + "t.task_id, t.job_id, t.stage, t.result::jsonb, t.error) r"
                + " ORDER BY t.ord")
        .execute(
            Tuple.tuple()
                .addArrayOfString(ids)
                .addArrayOfString(jobIds)
                .addArrayOfInteger(stages)
                .addArrayOfString(results)
                .addArrayOfString(errors))
        .map(
            rs -> {
              List<Completion> out = new ArrayList<>(n);
              rs.forEach(
                  r ->
                      out.add(
                          new Completion(
                              r.getBoolean("task_updated"),
                              r.getBoolean("is_last_task_in_stage"),
                              r.getInteger("remaining_tasks"))));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Results of one stage's tasks, in natural index order. */
  public Uni<List<TaskResult>> stageResults(SqlClient c, String jobId, int stage) {
    return c.preparedQuery(
            "SELECT task_id, task_index, status, result_data, error_details FROM app.tasks"
                + " WHERE parent_job_id = $1 AND stage = $2 ORDER BY "
                + INDEX_ORDER)
        .execute(Tuple.of(jobId, stage))
        .map(
            rs -> {
              List<TaskResult> out = new ArrayList<>(rs.rowCount());
              rs.forEach(r -> out.add(Rows.taskResult(r)));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Successful results of every stage of a job, keyed by stage, each in natural index order. */
  public Uni<Map<Integer, List<TaskResult>>> succeededResultsByStage(SqlClient c, String jobId) {
    return c.preparedQuery(
            "SELECT stage, task_id, task_index, status, result_data, error_details FROM app.tasks"
                + " WHERE parent_job_id = $1 AND status = 'completed' ORDER BY stage, "
                + INDEX_ORDER)
        .execute(Tuple.of(jobId))
        .map(
            rs -> {
              Map<Integer, List<TaskResult>> out = new LinkedHashMap<>();
              rs.forEach(
                  r ->
                      out.computeIfAbsent(r.getInteger("stage"), k -> new ArrayList<>())
                          .add(Rows.taskResult(r)));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** How many tasks of a job are in each status, per stage: {stage: {status: count}}. */
  public Uni<Map<Integer, Map<TaskStatus, Long>>> statusCounts(SqlClient c, String jobId) {
    return c.preparedQuery(
            "SELECT stage, status, count(*) AS n FROM app.tasks WHERE parent_job_id = $1"
                + " GROUP BY stage, status ORDER BY stage")
        .execute(Tuple.of(jobId))
        .map(
            rs -> {
              Map<Integer, Map<TaskStatus, Long>> out = new LinkedHashMap<>();
              rs.forEach(
                  r ->
                      out.computeIfAbsent(r.getInteger("stage"), k -> new LinkedHashMap<>())
                          .put(TaskStatus.fromSql(r.getString("status")), r.getLong("n")));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** A page of a job's tasks, optionally of one stage or status, in stage and index order. */
  public Uni<List<Task>> listForJob(
      SqlClient c, String jobId, Integer stage, TaskStatus status, int limit, int offset) {
    return c.preparedQuery(
            "SELECT * FROM app.tasks WHERE parent_job_id = $1"
                + " AND ($2::int IS NULL OR stage = $2)"
                + " AND ($3::text IS NULL OR status = $3::app.task_status)"
                + " ORDER BY stage, "
                + INDEX_ORDER
                + " LIMIT $4 OFFSET $5")
        .execute(Tuple.of(jobId, stage, status == null ? null : status.sqlValue(), limit, offset))
        .map(
            rs -> {
              List<Task> out = new ArrayList<>(rs.rowCount());
              rs.forEach(r -> out.add(Rows.task(r)));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Deletes every task of a job and its stage counters (before an explicit re-run). */
  public Uni<Integer> deleteForJob(SqlClient c, String jobId) {
    return c.preparedQuery(
            "WITH progress AS (DELETE FROM app.stage_progress WHERE job_id = $1)"
                + " DELETE FROM app.tasks WHERE parent_job_id = $1")
        .execute(Tuple.of(jobId))
        .map(rs -> rs.rowCount())
        .onFailure()
        .transform(DbErrors::translate);
  }
}
