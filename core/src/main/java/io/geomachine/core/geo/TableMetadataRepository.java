package io.geomachine.core.geo;

import io.geomachine.core.repository.DbErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * All SQL on {@code geo.table_metadata}, the register of user tables in {@code geo}: one row per
 * table the ETL published, naming the job that made it, its STAC item, and what it holds (extent,
 * row count, geometry type, source). The schemas {@code geo}, {@code geo_staging} and {@code h3}
 * and this table are created when missing and never dropped by administration; columns added later
 * are added in place ({@code ADD COLUMN IF NOT EXISTS}), so older databases upgrade.
 */
public final class TableMetadataRepository {
  public static final String TABLE = "table_metadata";

  static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS geo.table_metadata ("
          + " schema_name TEXT NOT NULL DEFAULT 'geo',"
          + " table_name TEXT NOT NULL,"
          + " job_id VARCHAR(64),"
          + " stac_collection_id TEXT,"
          + " stac_item_id TEXT,"
          + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (schema_name, table_name))";

  /** Columns added after the first release (vector ETL), each added when missing. */
  static final List<String> ADDED_COLUMNS =
      List.of(
          "job_type TEXT",
          "geometry_column TEXT",
          "geometry_type TEXT",
          "srid INTEGER",
          "row_count BIGINT",
          "extent DOUBLE PRECISION[]",
          "source_file TEXT",
          "source_format TEXT",
          "source_crs TEXT",
          "updated_at TIMESTAMPTZ");

  public Uni<Boolean> exists(SqlClient c) {
    return c.query("SELECT to_regclass('geo.table_metadata') IS NOT NULL AS e")
        .execute()
        .map(rs -> rs.iterator().next().getBoolean("e"));
  }

  /**
   * Creates geo, geo_staging, h3 and geo.table_metadata when missing, and adds columns that are
   * missing; true when the table was created.
   */
  public Uni<Boolean> bootstrap(SqlClient c) {
    Uni<Void> chain =
        c.query("CREATE SCHEMA IF NOT EXISTS geo")
            .execute()
            .chain(() -> c.query("CREATE SCHEMA IF NOT EXISTS h3").execute())
            .chain(
                () ->
                    c.query("CREATE SCHEMA IF NOT EXISTS " + VectorStagingRepository.SCHEMA)
                        .execute())
            .chain(() -> c.query(CREATE_TABLE).execute())
            .replaceWithVoid();
    for (String column : ADDED_COLUMNS) {
      chain =
          chain.chain(
              () ->
                  c.query("ALTER TABLE geo.table_metadata ADD COLUMN IF NOT EXISTS " + column)
                      .execute()
                      .replaceWithVoid());
    }
    Uni<Void> all = chain;
    return exists(c).chain(existed -> all.map(v -> !existed));
  }

  /** Creates or replaces the row of a table (a re-run or an overwrite writes it again). */
  public Uni<Void> upsert(SqlClient c, TableMetadata m) {
    return c.preparedQuery(
            "INSERT INTO geo.table_metadata (schema_name, table_name, job_id, job_type,"
                + " stac_collection_id, stac_item_id, geometry_column, geometry_type, srid,"
                + " row_count, extent, source_file, source_format, source_crs, created_at,"
                + " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                + " $14, now(), now()) ON CONFLICT (schema_name, table_name) DO UPDATE SET"
                + " job_id = EXCLUDED.job_id, job_type = EXCLUDED.job_type,"
                + " stac_collection_id = EXCLUDED.stac_collection_id,"
                + " stac_item_id = EXCLUDED.stac_item_id,"
                + " geometry_column = EXCLUDED.geometry_column,"
                + " geometry_type = EXCLUDED.geometry_type, srid = EXCLUDED.srid,"
                + " row_count = EXCLUDED.row_count, extent = EXCLUDED.extent,"
                + " source_file = EXCLUDED.source_file, source_format = EXCLUDED.source_format,"
                + " source_crs = EXCLUDED.source_crs, updated_at = now()")
        .execute(
            Tuple.from(
                new Object[] {
                  m.schemaName(),
                  m.tableName(),
                  m.jobId(),
                  m.jobType(),
                  m.stacCollectionId(),
                  m.stacItemId(),
                  m.geometryColumn(),
                  m.geometryType(),
                  m.srid(),
                  m.rowCount(),
                  m.extent() == null ? null : box(m.extent()),
                  m.sourceFile(),
                  m.sourceFormat(),
                  m.sourceCrs()
                }))
        .onFailure()
        .transform(DbErrors::translate)
        .replaceWithVoid();
  }

  /** The row of a table, if it is registered. */
  public Uni<Optional<TableMetadata>> find(SqlClient c, String schema, String table) {
    return c.preparedQuery(
            "SELECT * FROM geo.table_metadata WHERE schema_name = $1 AND table_name = $2")
        .execute(Tuple.of(schema, table))
        .map(rs -> rs.size() == 0 ? Optional.<TableMetadata>empty() : Optional.of(of(rs)))
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Deletes the row of a table; true when it existed. */
  public Uni<Boolean> delete(SqlClient c, String schema, String table) {
    return c.preparedQuery(
            "DELETE FROM geo.table_metadata WHERE schema_name = $1 AND table_name = $2")
        .execute(Tuple.of(schema, table))
        .map(rs -> rs.rowCount() == 1)
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Tables in geo (not partitions, not the register itself) that have no register row. */
  public Uni<RowSet<Row>> tablesWithoutMetadata(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT c.relname AS table_name, count(*) OVER () AS total FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'geo' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                + " AND c.relname <> 'table_metadata' AND NOT EXISTS (SELECT 1"
                + " FROM geo.table_metadata m WHERE m.schema_name = 'geo'"
                + " AND m.table_name = c.relname) ORDER BY 1 LIMIT $1")
        .execute(Tuple.of(samples));
  }

  /** Register rows whose table does not exist (any more). */
  public Uni<RowSet<Row>> metadataWithoutTable(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT m.schema_name, m.table_name, m.job_id, count(*) OVER () AS total"
                + " FROM geo.table_metadata m"
                + " WHERE to_regclass(format('%I.%I', m.schema_name, m.table_name)) IS NULL"
                + " ORDER BY 1, 2 LIMIT $1")
        .execute(Tuple.of(samples));
  }

  private static Double[] box(double[] extent) {
    Double[] out = new Double[extent.length];
    for (int i = 0; i < extent.length; i++) {
      out[i] = extent[i];
    }
    return out;
  }

  private static TableMetadata of(RowSet<Row> rs) {
    Row r = rs.iterator().next();
    Double[] extent = r.getArrayOfDoubles("extent");
    double[] e = null;
    if (extent != null) {
      e = new double[extent.length];
      for (int i = 0; i < extent.length; i++) {
        e[i] = extent[i];
      }
    }
    return new TableMetadata(
        r.getString("schema_name"),
        r.getString("table_name"),
        r.getString("job_id"),
        r.getString("job_type"),
        r.getString("stac_collection_id"),
        r.getString("stac_item_id"),
        r.getString("geometry_column"),
        r.getString("geometry_type"),
        r.getInteger("srid"),
        r.getLong("row_count"),
        e,
        r.getString("source_file"),
        r.getString("source_format"),
        r.getString("source_crs"));
  }
}
