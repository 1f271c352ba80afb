package io.geomachine.core.geo;

import io.geomachine.core.repository.DbErrors;
import io.geomachine.core.schema.SqlText;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL on the staging schema {@code geo_staging}, where process_vector loads a table before it is
 * published into {@code geo}. A staging table's comment is the id of the job that owns it ({@link
 * #jobComment}); that is how the cleanup finds the staging tables of jobs that ended without
 * publishing them (failed, cancelled) or that vanished, never by guessing from names.
 */
public final class VectorStagingRepository {
  public static final String SCHEMA = "geo_staging";

  private static final String TERMINAL =
      "('completed', 'completed_with_errors', 'failed', 'cancelled')";

  /** The comment a staging table carries: the owning job's id. */
  public static String jobComment(String jobId) {
    return jobId;
  }

  /** A staging table and the job it belongs to. */
  public record StagingTable(String table, String jobId) {}

  /**
   * Staging tables whose job ended (or no longer exists) more than {@code olderThanSeconds} ago,
   * oldest job first.
   */
  public Uni<List<StagingTable>> ofTerminalJobs(SqlClient c, double olderThanSeconds, int limit) {
    return c.preparedQuery(
            "SELECT t.relname AS table_name, obj_description(t.oid, 'pg_class') AS job_id"
                + " FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " LEFT JOIN app.jobs j ON j.job_id = obj_description(t.oid, 'pg_class')"
                + " WHERE n.nspname = '"
                + SCHEMA
                + "' AND t.relkind IN ('r', 'p') AND obj_description(t.oid, 'pg_class') IS NOT NULL"
                // only staging tables carry their job's id; the batch register does not
                + " AND (j.job_id IS NULL OR (j.status::text IN "
                + TERMINAL
                + " AND j.updated_at < LOCALTIMESTAMP - make_interval(secs => $1)))"
                + " ORDER BY j.updated_at NULLS FIRST, t.relname LIMIT $2")
        .execute(Tuple.of(olderThanSeconds, limit))
        .map(
            rs -> {
              List<StagingTable> out = new ArrayList<>();
              for (Row r : rs) {
                out.add(new StagingTable(r.getString("table_name"), r.getString("job_id")));
              }
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Drops the staging tables of jobs that ended (failed, cancelled, or completed without needing
   * them any more) or vanished, at most {@code limit}; the names dropped. Each drop runs in its own
   * transaction that first locks the job row and re-checks its status, so a job re-run at that
   * moment keeps its table (its loads then recreate what they need).
   */
  public Uni<List<String>> dropStagingOfTerminalJobs(
      Pool pool, double olderThanSeconds, int limit) {
    return ofTerminalJobs(pool, olderThanSeconds, limit)
        .chain(
            tables -> {
              Uni<List<String>> chain = Uni.createFrom().item(new ArrayList<>());
              for (StagingTable t : tables) {
                chain =
                    chain.chain(
                        dropped ->
                            dropIfStillTerminal(pool, t)
                                .map(
                                    yes -> {
                                      if (yes) {
                                        dropped.add(t.table());
                                      }
                                      return dropped;
                                    }));
              }
              return chain;
            });
  }

  private Uni<Boolean> dropIfStillTerminal(Pool pool, StagingTable t) {
    if (!isPlainName(t.table())) {
      return Uni.createFrom().item(false);
    }
    return pool.withTransaction(
            c ->
                c.preparedQuery(
                        "SELECT 1 FROM app.jobs WHERE job_id = $1 AND status::text NOT IN "
                            + TERMINAL
                            + " FOR UPDATE")
                    .execute(Tuple.of(t.jobId()))
                    .chain(
                        live ->
                            live.size() > 0
                                ? Uni.createFrom().item(false)
                                : c.query(
                                        "DROP TABLE IF EXISTS "
                                            + SqlText.qualified(SCHEMA, t.table()))
                                    .execute()
                                    .map(rs -> true)))
        .onFailure()
        .transform(DbErrors::translate);
  }

  private static boolean isPlainName(String name) {
    try {
      SqlText.ident(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
