package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * All SQL on {@code pgstac.collections}. Collections are written through pgstac's own functions,
 * which also maintain its partitions; {@code upsert_collection} makes creating them idempotent.
 */
final class StacCollectionRepository {

  Uni<Void> upsert(SqlClient c, JsonObject collection) {
    return c.preparedQuery("SELECT pgstac.upsert_collection($1::jsonb)")
        .execute(Tuple.of(collection))
        .replaceWithVoid();
  }

  /** Which of the given collection ids exist. */
  Uni<List<String>> existing(SqlClient c, List<String> ids) {
    return c.preparedQuery("SELECT id FROM pgstac.collections WHERE id = ANY($1) ORDER BY id")
        .execute(Tuple.of(ids.toArray(new String[0])))
        .map(
            rs -> {
              List<String> out = new ArrayList<>();
              rs.forEach(r -> out.add(r.getString("id")));
              return out;
            });
  }

  Uni<Long> count(SqlClient c) {
    return c.query("SELECT count(*) AS n FROM pgstac.collections")
        .execute()
        .map(rs -> rs.iterator().next().getLong("n"));
  }

  /** Deletes every collection except {@code keep}; pgstac's trigger drops their partitions. */
  Uni<Integer> deleteAllExcept(SqlClient c, List<String> keep) {
    return c.preparedQuery("DELETE FROM pgstac.collections WHERE NOT (id = ANY($1))")
        .execute(Tuple.of(keep.toArray(new String[0])))
        .map(rs -> rs.rowCount());
  }
}
