package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * SQL on pgstac's caches: {@code pgstac.searches} (registered searches, which TiTiler mosaics point
 * at), {@code pgstac.search_wheres} and {@code pgstac.format_item_cache}.
 */
final class StacSearchRepository {

  /** Formatted items are a cache of item content; they go with the items. */
  Uni<Integer> clearItemCache(SqlClient c) {
    return c.query("DELETE FROM pgstac.format_item_cache").execute().map(rs -> rs.rowCount());
  }

  /** Registered searches and their statistics. */
  Uni<Integer> clearSearches(SqlClient c) {
    return c.query("DELETE FROM pgstac.search_wheres")
        .execute()
        .chain(() -> c.query("DELETE FROM pgstac.searches").execute())
        .map(rs -> rs.rowCount());
  }
}
