package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chunk format is what the contract says: PostgreSQL's own COPY (psql's \copy) loads every
 * chunk into a table typed by the manifest, and the values come back as in the source.
 */
class ChunksLoadIntoPostgisTest {
  private static PrepareHarness h;

  @BeforeAll
  static void setUp() throws Exception {
    h = new PrepareHarness("geomachine_test_vector_prepare_copy");
  }

  @AfterAll
  static void tearDown() throws Exception {
    h.close();
  }

  @Test
  void copyLoadsEveryChunkWithTypedValues() throws Exception {
    Path src = Files.writeString(h.files.resolve("ref.geojson"), VectorFiles.referenceGeoJson(1));
    VectorManifest m = h.prepare(h.params(h.upload(src), new JsonObject().put("chunk_size", 15)));
    String columns =
        m.columns().stream()
            .map(c -> c.name() + " " + c.pgType())
            .collect(Collectors.joining(", "));
    Sql.update(
        h.db.pool(),
        "CREATE TABLE loaded (geom geometry(" + m.geometryType() + ", 4326), " + columns + ")");
    Chunks.copyInto(h, "geomachine_test_vector_prepare_copy", "loaded", m);
    assertEquals(VectorFiles.FEATURES, Sql.count(h.db.pool(), "SELECT count(*) FROM loaded"));
    for (int i : new int[] {0, 3, 4, 31}) {
      Row row =
          Sql.row(
              h.db.pool(),
              "SELECT ST_X(ST_GeometryN(geom, 1)) AS x, ST_Y(ST_GeometryN(geom, 1)) AS y,"
                  + " ST_SRID(geom) AS srid, count, big, value, flag, day::text AS day,"
                  + " to_char(stamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS stamp,"
                  + " population_total FROM loaded WHERE name = $1",
              VectorFiles.name(i));
      assertEquals(VectorFiles.lon(i), row.getDouble("x"), 1e-12);
      assertEquals(VectorFiles.lat(i), row.getDouble("y"), 1e-12);
      assertEquals(4326, row.getInteger("srid"));
      assertEquals(i, row.getInteger("count"));
      assertEquals(10_000_000_000L + i, row.getLong("big"));
      assertEquals(i * 1.5 + 0.25, row.getDouble("value"));
      assertEquals(i % 2 == 0, row.getBoolean("flag"));
      assertEquals(String.format("2024-01-%02d", i % 28 + 1), row.getString("day"));
      assertEquals(String.format("2024-02-03 04:05:%02d", i % 60), row.getString("stamp"));
      assertEquals(i * 100, row.getInteger("population_total"));
    }
  }
}
