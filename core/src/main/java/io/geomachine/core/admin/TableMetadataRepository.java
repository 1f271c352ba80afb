package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * All SQL on {@code geo.table_metadata}, the register of user tables in {@code geo}: one row per
 * table the ETL created, naming the job that made it. The schemas {@code geo} and {@code h3} and
 * this table are created when missing and never dropped or altered by administration.
 */
final class TableMetadataRepository {
  static final String TABLE = "table_metadata";

  static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS geo.table_metadata ("
          + " schema_name TEXT NOT NULL DEFAULT 'geo',"
          + " table_name TEXT NOT NULL,"
          + " job_id VARCHAR(64),"
          + " stac_collection_id TEXT,"
          + " stac_item_id TEXT,"
          + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (schema_name, table_name))";

  Uni<Boolean> exists(SqlClient c) {
    return c.query("SELECT to_regclass('geo.table_metadata') IS NOT NULL AS e")
        .execute()
        .map(rs -> rs.iterator().next().getBoolean("e"));
  }

  /** Creates geo, h3 and geo.table_metadata when missing; true when the table was created. */
  Uni<Boolean> bootstrap(SqlClient c) {
    return exists(c)
        .chain(
            existed ->
                c.query("CREATE SCHEMA IF NOT EXISTS geo")
                    .execute()
                    .chain(() -> c.query("CREATE SCHEMA IF NOT EXISTS h3").execute())
                    .chain(() -> c.query(CREATE_TABLE).execute())
                    .map(rs -> !existed));
  }

  /** Tables in geo (not partitions, not the register itself) that have no register row. */
  Uni<Findings> tablesWithoutMetadata(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT c.relname AS table_name, count(*) OVER () AS total FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'geo' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                + " AND c.relname <> 'table_metadata' AND NOT EXISTS (SELECT 1"
                + " FROM geo.table_metadata m WHERE m.schema_name = 'geo'"
                + " AND m.table_name = c.relname) ORDER BY 1 LIMIT $1")
        .execute(Tuple.of(samples))
        .map(rs -> Findings.from(rs, "table_name"));
  }

  /** Register rows whose table does not exist (any more). */
  Uni<Findings> metadataWithoutTable(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT m.schema_name, m.table_name, m.job_id, count(*) OVER () AS total"
                + " FROM geo.table_metadata m"
                + " WHERE to_regclass(format('%I.%I', m.schema_name, m.table_name)) IS NULL"
                + " ORDER BY 1, 2 LIMIT $1")
        .execute(Tuple.of(samples))
        .map(rs -> Findings.from(rs, "schema_name", "table_name", "job_id"));
  }
}
