package io.geomachine.worker.vector;

import static io.geomachine.core.schema.SqlText.ident;

import io.geomachine.core.task.TaskFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Repairs the invalid geometries of a staging table in PostgreSQL, at publish: GEOS validity is
 * checked for every row (ST_IsValid, about a third of the CPU of running MakeValid on every
 * geometry, which ogr2ogr's -makevalid does) and only invalid ones are rewritten with ST_MakeValid,
 * kept to the column's type (the polygons of a polygon column, the lines of a line column). The
 * table is split into block ranges, one per lane (a TID range scan each).
 *
 * <p>Each range's repair is one transaction that also adds its count to the batch register, so
 * {@link #repaired} is exact across re-runs: a re-run finds the repaired rows valid and adds
 * nothing. A geometry that no repair keeps of the column's type (a polygon collapsed into a line)
 * rolls its range back and fails GEOMETRY_UNREPAIRABLE.
 */
final class GeometryRepairs {
  /** A range is at least 512 KB of table: a smaller one is not worth a lane's round trips. */
  private static final long MIN_BLOCKS_PER_RANGE = 64;

  private final Pool pool;
  private final SqlLanes lanes;

  GeometryRepairs(Pool pool, SqlLanes lanes) {
    this.pool = pool;
    this.lanes = lanes;
  }

  /** Whether a column of this PostGIS type is checked: points are always valid. */
  static boolean checks(String geometryType) {
    return !base(geometryType).endsWith("POINT");
  }

  /**
   * The repair of {@code g} for a column of PostGIS type {@code geometryType}: ST_MakeValid, the
   * parts of the column's family, its multi or single form and its dimensions. NULL or empty when
   * nothing of the column's type is left.
   */
  static String repairExpression(String g, String geometryType) {
    String base = base(geometryType);
    String valid = "ST_MakeValid(" + g + ")";
    String typed =
        switch (base) {
          case "GEOMETRY" -> valid;
          case "GEOMETRYCOLLECTION" -> "ST_ForceCollection(" + valid + ")";
          case "MULTIPOLYGON" -> "ST_Multi(ST_CollectionExtract(" + valid + ", 3))";
          case "MULTILINESTRING" -> "ST_Multi(ST_CollectionExtract(" + valid + ", 2))";
          case "POLYGON", "LINESTRING" -> single(valid, base.equals("POLYGON") ? 3 : 2);
          default -> throw new IllegalArgumentException("no repair for " + geometryType);
        };
    String dims = geometryType.toUpperCase(Locale.ROOT).substring(base.length());
    return switch (dims) {
      case "Z" -> "ST_Force3DZ(" + typed + ")";
      case "M" -> "ST_Force3DM(" + typed + ")";
      case "ZM" -> "ST_Force4D(" + typed + ")";
      default -> "ST_Force2D(" + typed + ")";
    };
  }

  /** The one part of that family when exactly one is left, else NULL (unrepairable). */
  private static String single(String valid, int family) {
    String parts = "ST_CollectionExtract(" + valid + ", " + family + ")";
    return "(CASE WHEN ST_NumGeometries("
        + parts
        + ") = 1 THEN ST_GeometryN("
        + parts
        + ", 1) END)";
  }

  /** The type without its dimension suffix (no base type name ends in Z or M). */
  private static String base(String geometryType) {
    String t = geometryType.toUpperCase(Locale.ROOT);
    return t.replaceFirst("(ZM|Z|M)$", "");
  }

  /** Repairs the staging table's invalid geometries; the count of all repairs so far. */
  long repair(VectorTableSpec spec, GeoTableBuilder table) throws TaskFailure {
    if (checks(spec.geometryType())) {
      long blocks =
          GeoTablePublisher.await(
              pool.preparedQuery(
                      "SELECT pg_relation_size($1::regclass)"
                          + " / current_setting('block_size')::bigint AS blocks")
                  .execute(Tuple.of(table.staging()))
                  .map(rs -> rs.iterator().next().getLong("blocks")));
      int ranges = (int) Math.max(1, Math.min(lanes.lanes(), blocks / MIN_BLOCKS_PER_RANGE));
      List<SqlLanes.Step> steps = new ArrayList<>();
      for (int i = 0; i < ranges; i++) {
        long from = blocks * i / ranges;
        Long to = i == ranges - 1 ? null : blocks * (i + 1) / ranges;
        steps.add(
            new SqlLanes.Step(
                "repair " + from,
                LanePlan.UNIT_WEIGHT,
                c -> repairRange(c, spec, table, from, to)));
      }
      try {
        lanes.run(steps);
      } catch (Unrepairable e) {
        throw TaskFailure.permanent("GEOMETRY_UNREPAIRABLE", e.getMessage());
      }
    }
    return repaired(spec);
  }

  /** The repairs committed for this staging table. */
  long repaired(VectorTableSpec spec) {
    return GeoTablePublisher.await(
        pool.preparedQuery(LoadedBatches.REPAIRED)
            .execute(Tuple.of(spec.stagingTable(), LoadedBatches.REPAIR_PREFIX))
            .map(rs -> rs.iterator().next().getLong("n")));
  }

  /**
   * One block range in one transaction: repair, then count it in the register; rolled back with
   * {@link Unrepairable} when a repair leaves nothing of the column's type. The last range has no
   * upper bound, so row versions a repair moved past the end are still covered (and valid).
   */
  private Uni<Void> repairRange(
      SqlConnection c, VectorTableSpec spec, GeoTableBuilder table, long from, Long to) {
    String g = ident(spec.geometryColumn());
    String update =
        "WITH fixed AS (UPDATE "
            + table.staging()
            + " SET "
            + g
            + " = "
            + repairExpression(g, spec.geometryType())
            + " WHERE ctid >= $1::tid"
            + (to == null ? "" : " AND ctid < $2::tid")
            + " AND NOT ST_IsValid("
            + g
            + ") RETURNING objectid, "
            + g
            + " IS NULL OR ST_IsEmpty("
            + g
            + ") AS bad) SELECT count(*) AS repaired, count(*) FILTER (WHERE bad) AS bad,"
            + " min(objectid) FILTER (WHERE bad) AS first_bad FROM fixed";
    Tuple bounds =
        to == null ? Tuple.of("(" + from + ",0)") : Tuple.of("(" + from + ",0)", "(" + to + ",0)");
    return c.begin()
        .chain(
            tx ->
                // ST_IsValid sends a NOTICE per invalid geometry; the plan is a plain range scan,
                // not worth compiling (JIT)
                c.query("SET LOCAL client_min_messages = warning; SET LOCAL jit = off")
                    .execute()
                    .chain(() -> c.preparedQuery(update).execute(bounds))
                    .chain(
                        rs -> {
                          Row r = rs.iterator().next();
                          long bad = r.getLong("bad");
                          if (bad > 0) {
                            return tx.rollback().chain(() -> unrepairable(c, spec, table, bad));
                          }
                          long repaired = r.getLong("repaired");
                          return (repaired == 0
                                  ? Uni.createFrom().voidItem()
                                  : count(c, spec, LoadedBatches.REPAIR_PREFIX + from, repaired))
                              .chain(tx::commit);
                        }));
  }

  /** Adds {@code repaired} to the register's count {@code key}, in the range's transaction. */
  private static Uni<Void> count(SqlConnection c, VectorTableSpec spec, String key, long repaired) {
    return c.preparedQuery(LoadedBatches.ADD_REPAIRS)
        .execute(Tuple.of(spec.stagingTable(), key, repaired))
        .replaceWithVoid();
  }

  /** Names an example of what could not be repaired (read after the rollback), then fails. */
  private static Uni<Void> unrepairable(
      SqlConnection c, VectorTableSpec spec, GeoTableBuilder table, long count) {
    String g = ident(spec.geometryColumn());
    String repaired = repairExpression(g, spec.geometryType());
    return c.preparedQuery(
            "SELECT left(ST_AsText("
                + g
                + "), 200) AS wkt FROM "
                + table.staging()
                + " WHERE NOT ST_IsValid("
                + g
                + ") AND coalesce(ST_IsEmpty("
                + repaired
                + "), true) LIMIT 1")
        .execute()
        .chain(
            rs ->
                Uni.createFrom()
                    .failure(
                        new Unrepairable(
                            count
                                + " geometr"
                                + (count == 1 ? "y" : "ies")
                                + " cannot be repaired into "
                                + spec.geometryType()
                                + " (MakeValid leaves nothing of that type, e.g. a polygon"
                                + " collapsed into a line): "
                                + (rs.size() == 0 ? "?" : rs.iterator().next().getString("wkt")))));
  }

  /** A geometry no repair keeps of the column's type. */
  private static final class Unrepairable extends RuntimeException {
    Unrepairable(String message) {
      super(message);
    }
  }
}
