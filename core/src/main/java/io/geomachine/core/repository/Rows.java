package io.geomachine.core.repository;

import io.geomachine.core.job.TaskResult;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
        r.getLocalDateTime("updated_at"),
        r.getLocalDateTime("published_at"));
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
        r.getLocalDateTime("next_attempt_at"),
        r.getLocalDateTime("published_at"));
  }

  static TaskResult taskResult(Row r) {
    return new TaskResult(
        r.getString("task_id"),
        r.getString("task_index"),
        TaskStatus.fromSql(r.getString("status")),
        json(r, "result_data"),
        r.getString("error_details"));
  }

  /** Runs a prepared statement; a database error becomes a domain error ({@link DbErrors}). */
  static Uni<RowSet<Row>> exec(SqlClient c, String sql, Tuple args) {
    return c.preparedQuery(sql).execute(args).onFailure().transform(DbErrors::translate);
  }

  /** The first row of a result, mapped; null when there is none. */
  static <T> T first(RowSet<Row> rs, Function<Row, T> mapper) {
    return rs.rowCount() == 0 ? null : mapper.apply(rs.iterator().next());
  }

  /** Every row of a result, mapped. */
  static <T> List<T> list(RowSet<Row> rs, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rs.rowCount());
    rs.forEach(r -> out.add(mapper.apply(r)));
    return out;
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
