package io.geomachine.worker.vector;

import static io.geomachine.core.schema.SqlText.ident;
import static io.geomachine.core.schema.SqlText.literal;
import static io.geomachine.core.schema.SqlText.qualified;

import io.geomachine.core.geo.TableMetadata;
import io.geomachine.core.geo.TableMetadataRepository;
import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.task.TaskFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SQL of publishing a staged table: indexes and statistics on the staging table (in a fixed
 * number of lanes, {@link SqlLanes}), then ONE transaction that swaps it into {@code geo}
 * (replacing an existing table only on overwrite), writes its {@code geo.table_metadata} row and
 * its STAC item. Readers see the old table or the new one, never part of either; a failure before
 * the commit leaves {@code geo} as it was.
 */
final class GeoTablePublisher {
  private static final Duration DDL_TIMEOUT = Duration.ofHours(2);

  /** What the published table holds. */
  record Stats(long rows, double[] extent, String geometryType, OffsetDateTime firstCreated) {}

  private final Pool pool;
  private final SqlLanes lanes;
  private final GeometryRepairs repairs;
  private final TableMetadataRepository metadata = new TableMetadataRepository();
  private final StacCatalog stac = new StacCatalog();

  GeoTablePublisher(Pool pool, int lanes) {
    this.pool = pool;
    this.lanes = new SqlLanes(pool, lanes);
    this.repairs = new GeometryRepairs(pool, this.lanes);
  }

  static <T> T await(Uni<T> uni) {
    return uni.await().atMost(DDL_TIMEOUT);
  }

  boolean relationExists(String schema, String name) {
    return await(
        pool.preparedQuery("SELECT to_regclass($1) IS NOT NULL AS e")
            .execute(Tuple.of(qualified(schema, name)))
            .map(rs -> rs.iterator().next().getBoolean("e")));
  }

  /**
   * The rows the chunk loads put in the staging table: their batch register is written in each
   * COPY's transaction, so its sum is exact and costs no scan of the table (the register's repair
   * counts are not batches).
   */
  long loadedRows(VectorTableSpec spec) {
    return await(
        pool.preparedQuery(LoadedBatches.LOADED_ROWS)
            .execute(Tuple.of(spec.stagingTable(), LoadedBatches.REPAIR_PREFIX))
            .map(rs -> rs.iterator().next().getLong("n")));
  }

  /** Repairs the staging table's invalid geometries ({@link GeometryRepairs}); how many were. */
  long repairGeometries(VectorTableSpec spec, GeoTableBuilder table) throws TaskFailure {
    return repairs.repair(spec, table);
  }

  /** The repairs committed so far for the staging table. */
  long repairedGeometries(VectorTableSpec spec) {
    return repairs.repaired(spec);
  }

  /**
   * The table's extent and first creation time (one scan) side by side with ANALYZE, in the lanes.
   * ANALYZE runs here, before the index builds, because it cannot run during them: its lock (SHARE
   * UPDATE EXCLUSIVE) conflicts with CREATE INDEX's (SHARE), so it would only queue behind them.
   */
  Stats scanAndAnalyze(VectorTableSpec spec, GeoTableBuilder table, long rows) {
    AtomicReference<Stats> stats = new AtomicReference<>();
    lanes.run(
        List.of(
            new SqlLanes.Step(
                "scan",
                LanePlan.UNIT_WEIGHT,
                c -> scan(c, spec, table, rows).invoke(stats::set).replaceWithVoid()),
            new SqlLanes.Step(
                "analyze",
                LanePlan.UNIT_WEIGHT,
                c -> c.query("ANALYZE " + table.staging()).execute().replaceWithVoid())));
    return stats.get();
  }

  /**
   * Builds the indexes on the staging table (each only once: a re-run skips those built), in the
   * lanes, longest first.
   */
  void buildIndexes(GeoTableBuilder table) throws TaskFailure {
    // Each build has room to sort in memory and no parallel workers: the lanes already keep the
    // cores busy, and the workers' extra sorts and merge made the whole ~10% slower (300k rows, 2
    // cores). The SET LOCALs and the build are one implicit transaction (one simple query).
    List<SqlLanes.Step> builds = new ArrayList<>();
    for (GeoTableBuilder.IndexDef index : table.indexes()) {
      builds.add(
          new SqlLanes.Step(
              index.stagingName(),
              LanePlan.indexWeight(index.method()),
              c ->
                  c.query(
                          "SET LOCAL maintenance_work_mem = '256MB';"
                              + " SET LOCAL max_parallel_maintenance_workers = 0; "
                              + index.createSql())
                      .execute()
                      .onFailure(PgException.class)
                      .transform(
                          e ->
                              "23505".equals(((PgException) e).getSqlState())
                                  ? new InvalidIndex(index.publishedName(), (PgException) e)
                                  : e)
                      .replaceWithVoid()));
    }
    try {
      lanes.run(builds);
    } catch (InvalidIndex e) {
      throw TaskFailure.permanent("INVALID_INDEX", e.getMessage());
    }
  }

  /** A unique index the data violates. */
  private static final class InvalidIndex extends RuntimeException {
    InvalidIndex(String index, PgException e) {
      super("unique index " + index + ": " + e.getErrorMessage(), e);
    }
  }

  private static Uni<Stats> scan(
      SqlConnection c, VectorTableSpec spec, GeoTableBuilder table, long rows) {
    String g = ident(spec.geometryColumn());
    return c.preparedQuery(
            "SELECT ST_XMin(s.e) AS xmin, ST_YMin(s.e) AS ymin, ST_XMax(s.e) AS xmax,"
                + " ST_YMax(s.e) AS ymax, s.first, (SELECT type FROM public.geometry_columns"
                + " WHERE f_table_schema = $1 AND f_table_name = $2 AND f_geometry_column = $3)"
                + " AS gtype FROM (SELECT ST_Extent("
                + g
                + ") AS e, min("
                + ident("created_at")
                + ") AS first FROM "
                + table.staging()
                + ") s")
        .execute(
            Tuple.of(VectorStagingRepository.SCHEMA, spec.stagingTable(), spec.geometryColumn()))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              double[] extent =
                  r.getValue("xmin") == null
                      ? null
                      : new double[] {
                        r.getDouble("xmin"),
                        r.getDouble("ymin"),
                        r.getDouble("xmax"),
                        r.getDouble("ymax")
                      };
              return new Stats(rows, extent, r.getString("gtype"), r.getOffsetDateTime("first"));
            });
  }

  Optional<TableMetadata> registered(String table) {
    return await(metadata.find(pool, "geo", table));
  }

  /**
   * The swap: one transaction, serialised per target name. Refuses (TABLE_EXISTS) when the target
   * exists and overwrite is off; on overwrite drops the old table, whose STAC item is removed too
   * when it had another id. Moves the staging table into geo under the target name, gives its
   * indexes their published names, registers it and writes its STAC item.
   */
  void swap(
      VectorTableSpec spec, GeoTableBuilder table, TableMetadata row, JsonObject item, String note)
      throws TaskFailure {
    inTransaction(
        c -> {
          String target = qualified("geo", spec.targetTable());
          exec(c, "SELECT pg_advisory_xact_lock(hashtext(" + literal(target) + "))");
          boolean exists =
              await(
                  c.preparedQuery("SELECT to_regclass($1) IS NOT NULL AS e")
                      .execute(Tuple.of(target))
                      .map(rs -> rs.iterator().next().getBoolean("e")));
          Optional<TableMetadata> previous = Optional.empty();
          if (exists) {
            if (!spec.overwrite()) {
              throw TaskFailure.permanent(
                  "TABLE_EXISTS",
                  "table geo." + spec.targetTable() + " exists; set overwrite to replace it");
            }
            previous = await(metadata.find(c, "geo", spec.targetTable()));
            try {
              exec(c, "DROP TABLE " + target);
            } catch (PgException e) {
              if ("2BP01".equals(e.getSqlState())) {
                throw TaskFailure.permanent(
                    "TABLE_IN_USE",
                    "geo." + spec.targetTable() + " cannot be replaced: " + e.getErrorMessage());
              }
              throw e;
            }
          }
          exec(c, "ALTER TABLE " + table.staging() + " SET SCHEMA " + ident("geo"));
          if (!spec.stagingTable().equals(spec.targetTable())) {
            exec(
                c,
                "ALTER TABLE "
                    + qualified("geo", spec.stagingTable())
                    + " RENAME TO "
                    + ident(spec.targetTable()));
          }
          exec(c, table.addPrimaryKey(target));
          for (GeoTableBuilder.IndexDef index : table.indexes()) {
            // A name another relation in geo already uses keeps the (unique) staging name.
            exec(
                c,
                "DO $$ BEGIN IF to_regclass("
                    + literal(qualified("geo", index.publishedName()))
                    + ") IS NULL THEN ALTER INDEX "
                    + qualified("geo", index.stagingName())
                    + " RENAME TO "
                    + ident(index.publishedName())
                    + "; END IF; END $$");
          }
          exec(c, GeoTableBuilder.settleForPublication(target));
          exec(c, LoadedBatches.forgetTable(spec.stagingTable()));
          exec(c, "COMMENT ON TABLE " + target + " IS " + literal(note));
          await(metadata.upsert(c, row));
          if (previous.isPresent()) {
            TableMetadata p = previous.get();
            if (p.stacItemId() != null
                && p.stacCollectionId() != null
                && !(p.stacItemId().equals(row.stacItemId())
                    && p.stacCollectionId().equals(row.stacCollectionId()))) {
              await(stac.deleteItemIn(c, p.stacCollectionId(), p.stacItemId()));
            }
          }
          // Last: it sets search_path for the rest of the transaction.
          await(stac.upsertItemIn(c, item));
          return null;
        });
  }

  /** A user collection, created (never overwritten) before its item is written. */
  void ensureCollection(JsonObject collection) {
    await(stac.ensureCollection(pool, collection));
  }

  private static void exec(SqlClient c, String sql) {
    await(c.query(sql).execute());
  }

  /** The blocking work {@code work} in one transaction on one connection. */
  interface TxWork<T> {
    T run(SqlConnection c) throws TaskFailure;
  }

  private <T> T inTransaction(TxWork<T> work) throws TaskFailure {
    SqlConnection c = await(pool.getConnection());
    try {
      Transaction tx = await(c.begin());
      try {
        T out = work.run(c);
        await(tx.commit());
        return out;
      } catch (TaskFailure | RuntimeException e) {
        try {
          await(tx.rollback());
        } catch (RuntimeException ignored) {
          // the connection is closed below; the server rolls back with it
        }
        throw e;
      }
    } finally {
      await(c.close());
    }
  }
}
