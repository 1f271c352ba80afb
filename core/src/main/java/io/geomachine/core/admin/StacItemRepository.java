package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * All SQL on {@code pgstac.items}. Items are deleted with DELETE, not TRUNCATE, so pgstac's
 * triggers keep its partition statistics right.
 */
final class StacItemRepository {
  /** The item property that names the job that produced an item. */
  static final String JOB_ID_PROPERTY = io.geomachine.core.stac.StacCatalog.JOB_ID_PROPERTY;

  Uni<Long> count(SqlClient c) {
    return c.query("SELECT count(*) AS n FROM pgstac.items")
        .execute()
        .map(rs -> rs.iterator().next().getLong("n"));
  }

  Uni<Integer> deleteAll(SqlClient c) {
    return c.query("DELETE FROM pgstac.items").execute().map(rs -> rs.rowCount());
  }

  /** Items whose {@code app:job_id} names no job in {@code app.jobs}. */
  Uni<Findings> withoutJob(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT i.id, i.collection, i.content->'properties'->>$1 AS job_id,"
                + " count(*) OVER () AS total FROM pgstac.items i"
                + " WHERE i.content->'properties' ? $1 AND NOT EXISTS (SELECT 1 FROM app.jobs j"
                + " WHERE j.job_id = i.content->'properties'->>$1)"
                + " ORDER BY i.collection, i.id LIMIT $2")
        .execute(Tuple.of(JOB_ID_PROPERTY, samples))
        .map(rs -> Findings.from(rs, "id", "collection", "job_id"));
  }
}
