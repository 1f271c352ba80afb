package io.geomachine.core.testing;

import io.geomachine.core.job.JobIds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small blocking SQL helpers for tests on the real database. */
public final class Sql {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Sql() {}

  /** A job id as the engine makes them (64 hex digits, random here, so no two tests share one). */
  public static String newJobId() {
    return JobIds.derive("test", new JsonObject().put("seed", UUID.randomUUID().toString()));
  }

  public static <T> T await(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }

  public static List<Row> rows(Pool pool, String sql, Object... args) {
    List<Row> out = new ArrayList<>();
    await(pool.preparedQuery(sql).execute(Tuple.from(args))).forEach(out::add);
    return out;
  }

  public static Row row(Pool pool, String sql, Object... args) {
    List<Row> rows = rows(pool, sql, args);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row from " + sql + ", got " + rows.size());
    }
    return rows.get(0);
  }

  public static long count(Pool pool, String sql, Object... args) {
    return row(pool, sql, args).getLong(0);
  }

  public static int update(Pool pool, String sql, Object... args) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(args))).rowCount();
  }

  /** Runs a statement that must fail, and returns the PostgreSQL error. */
  public static PgException pgError(Pool pool, String sql, Object... args) {
    try {
      update(pool, sql, args);
    } catch (PgException e) {
      return e;
    }
    throw new AssertionError("expected an error from: " + sql);
  }

  /**
   * Moves a job's {@code created_at} and {@code updated_at} into the past; the triggers (which
   * would reset updated_at) are off for this one statement (session_replication_role, local to the
   * transaction).
   */
  public static void backdateJob(Pool pool, String jobId, Duration ago) {
    await(
        pool.withTransaction(
            c ->
                c.query("SET LOCAL session_replication_role = replica")
                    .execute()
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "UPDATE app.jobs SET"
                                        + " created_at = LOCALTIMESTAMP - make_interval(secs => $2),"
                                        + " updated_at = LOCALTIMESTAMP - make_interval(secs => $2)"
                                        + " WHERE job_id = $1")
                                .execute(Tuple.of(jobId, (double) ago.toSeconds())))));
  }

  /** Inserts a job row directly (bypassing the engine). */
  public static void insertJob(Pool pool, String jobId, String status, int stage, int total) {
    update(
        pool,
        "INSERT INTO app.jobs (job_id, job_type, status, stage, total_stages)"
            + " VALUES ($1, 'hello_world', $2::app.job_status, $3, $4)",
        jobId,
        status,
        stage,
        total);
  }

  /** Inserts a task row directly (bypassing the engine). */
  public static void insertTask(
      Pool pool, String taskId, String jobId, int stage, String index, String status) {
    update(
        pool,
        "INSERT INTO app.tasks (task_id, parent_job_id, job_type, task_type, stage, task_index,"
            + " status) VALUES ($1, $2, 'hello_world', 'hello_world_greeting', $3, $4,"
            + " $5::app.task_status)",
        taskId,
        jobId,
        stage,
        index,
        status);
  }
}
