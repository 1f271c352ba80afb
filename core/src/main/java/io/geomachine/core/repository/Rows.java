package io.geomachine.core.repository;

import io.geomachine.core.job.TaskResult;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** Row to model mapping, shared by the repositories. */
final class Rows {
  private Rows() {}

  static Job job(Row r) {
    return new Job(
        r.getString("job_id"),
        r.getString("job_type"),
        json(r, "parameters"),
        JobStatus.fromSql(r.getString("status")),
        r.getInteger("stage"),
        r.getInteger("total_stages"),
        json(r, "stage_results"),
        json(r, "metadata"),
        json(r, "result_data"),
        r.getString("error_details"),
        r.getLocalDateTime("created_at"),
        r.getLocalDateTime("updated_at"));
  }

  static Task task(Row r) {
    return new Task(
        r.getString("task_id"),
        r.getString("parent_job_id"),
        r.getString("job_type"),
        r.getString("task_type"),
        r.getInteger("stage"),
        r.getString("task_index"),
        json(r, "parameters"),
        TaskStatus.fromSql(r.getString("status")),
        json(r, "result_data"),
        json(r, "metadata"),
        r.getString("error_details"),
        r.getInteger("retry_count"),
        r.getLocalDateTime("heartbeat"),
        json(r, "next_stage_params"),
        r.getLocalDateTime("created_at"),
        r.getLocalDateTime("updated_at"),
        r.getLocalDateTime("lease_expires_at"),
        r.getString("worker_id"),
        r.getInteger("attempts"),
        r.getLocalDateTime("next_attempt_at"));
  }

  static TaskResult taskResult(Row r) {
    return new TaskResult(
        r.getString("task_id"),
        r.getString("task_index"),
        TaskStatus.fromSql(r.getString("status")),
        json(r, "result_data"),
        r.getString("error_details"));
  }

  static JsonObject json(Row r, String column) {
    Object v = r.getValue(column);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    return new JsonObject().put("value", v);
  }
}
