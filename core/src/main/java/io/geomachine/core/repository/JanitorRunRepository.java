package io.geomachine.core.repository;

import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunStatus;
import io.geomachine.core.model.JanitorRunType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * All SQL on {@code app.janitor_runs}, and the lock that keeps janitor replicas from double-acting.
 */
public final class JanitorRunRepository {

  /**
   * Takes the pass's transaction-scoped advisory lock; false when another replica is running the
   * same pass right now (then this one skips).
   */
  public Uni<Boolean> tryLockPass(SqlClient c, JanitorRunType type) {
    return c.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
        .execute(Tuple.of("geomachine.janitor:" + type.sqlValue()))
        .map(rs -> rs.iterator().next().getBoolean("locked"))
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Records a finished pass. */
  public Uni<String> record(
      SqlClient c,
      JanitorRunType type,
      long startedAtEpochMillis,
      int scanned,
      int fixed,
      JsonObject actions,
      String error) {
    String runId = UUID.randomUUID().toString();
    JanitorRunStatus status = error == null ? JanitorRunStatus.COMPLETED : JanitorRunStatus.FAILED;
    return c.preparedQuery(
            "INSERT INTO app.janitor_runs (run_id, run_type, started_at, completed_at, duration_ms,"
                + " status, items_scanned, items_fixed, actions_taken, error_details)"
                + " VALUES ($1, $2, to_timestamp($3 / 1000.0)::timestamp, LOCALTIMESTAMP,"
                + " (extract(epoch FROM clock_timestamp()) * 1000 - $3)::int, $4, $5, $6, $7, $8)")
        .execute(
            Tuple.tuple()
                .addString(runId)
                .addString(type.sqlValue())
                .addLong(startedAtEpochMillis)
                .addString(status.sqlValue())
                .addInteger(scanned)
                .addInteger(fixed)
                .addJsonObject(actions)
                .addString(error))
        .replaceWith(runId)
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** The latest runs, newest first, optionally of one type and since a time. */
  public Uni<List<JanitorRun>> latest(
      SqlClient c, JanitorRunType type, java.time.LocalDateTime since, int limit) {
    return c.preparedQuery(
            "SELECT * FROM app.janitor_runs WHERE ($1::text IS NULL OR run_type = $1)"
                + " AND ($2::timestamp IS NULL OR started_at >= $2)"
                + " ORDER BY started_at DESC LIMIT $3")
        .execute(Tuple.of(type == null ? null : type.sqlValue(), since, limit))
        .map(
            rs -> {
              List<JanitorRun> out = new ArrayList<>(rs.rowCount());
              rs.forEach(
                  r ->
                      out.add(
                          new JanitorRun(
                              r.getString("run_id"),
                              r.getString("run_type"),
                              r.getLocalDateTime("started_at"),
                              r.getLocalDateTime("completed_at"),
                              r.getInteger("duration_ms"),
                              r.getString("status"),
                              r.getInteger("items_scanned"),
                              r.getInteger("items_fixed"),
                              r.getJsonObject("actions_taken"),
                              r.getString("error_details"))));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }
}
