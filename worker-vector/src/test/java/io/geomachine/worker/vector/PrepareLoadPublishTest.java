package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.worker.vector.prepare.VectorPrepareHandler;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All three stages of process_vector in process, as the worker runs them: prepare (part A) writes
 * chunks and a manifest that load and publish (this part) turn into a table with the source's rows,
 * values and extent.
 */
class PrepareLoadPublishTest {
  private static final String BRONZE = "test-vector-bronze";
  private static VectorFixture fx;
  private static VectorPrepareHandler prepare;

  @BeforeAll
  static void setUp() throws Exception {
    fx = new VectorFixture("geomachine_test_vector_stages");
    fx.blobs.ensureContainer(BRONZE);
    prepare =
        new VectorPrepareHandler(
            fx.db.pool(), fx.blobs, VectorFixture.TEMP, Files.createTempDirectory("vector-work"));
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  private JsonObject run(String fileName, String content, String table, JsonObject extra)
      throws Exception {
    return fx.loadAndPublish(prepare(fileName, content, table, extra));
  }

  /** Stage 1 with real GDAL on {@code content}; the job's manifest, chunks in blob storage. */
  private VectorFixture.Prepared prepare(
      String fileName, String content, String table, JsonObject extra) throws Exception {
    Path file = Files.createTempFile("src", fileName);
    Files.writeString(file, content);
    String blob = UUID.randomUUID() + "/" + fileName;
    fx.blobs.upload(BRONZE, blob, file, null);
    JsonObject params =
        new ProcessVectorJob()
            .parameters()
            .validate(
                new JsonObject()
                    .put("container_name", BRONZE)
                    .put("blob_name", blob)
                    .put("table_name", table)
                    .put("chunk_size", 10)
                    .mergeIn(extra))
            .all();
    String jobId = Sql.newJobId();
    Sql.insertJob(fx.db.pool(), jobId, "processing", 1, 3);
    JsonObject prepared =
        prepare.handle(new TaskInput("p", jobId, ProcessVectorJob.TYPE, 1, "0", params));
    VectorManifest m = VectorManifest.fromJson(prepared.getJsonObject("manifest"));
    return new VectorFixture.Prepared(jobId, m);
  }

  @Test
  void geoJsonBecomesATable() throws Exception {
    StringBuilder features = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      features
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"Feature\",\"properties\":{\"Name\":\"n")
          .append(i)
          .append("\",\"Pop\":")
          .append(i * 10)
          .append("},\"geometry\":{\"type\":\"Point\",\"coordinates\":[")
          .append(i)
          .append(",")
          .append(i / 2.0)
          .append("]}}");
    }
    JsonObject out =
        run(
            "points.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[" + features + "]}",
            "stage_points",
            new JsonObject());
    assertEquals(25, out.getLong("row_count"));
    assertEquals(25, Sql.count(fx.db.pool(), "SELECT count(*) FROM geo.stage_points"));
    assertEquals(
        120, Sql.count(fx.db.pool(), "SELECT pop FROM geo.stage_points WHERE name = 'n12'"));
    assertEquals("[0.0,0.0,24.0,12.0]", out.getJsonArray("extent").encode());
  }

  @Test
  void csvWithLatLonBecomesATable() throws Exception {
    StringBuilder csv = new StringBuilder("id,label,lat,lon\n");
    for (int i = 0; i < 15; i++) {
      csv.append(i)
          .append(",l")
          .append(i)
          .append(",")
          .append(i)
          .append(",")
          .append(-i)
          .append("\n");
    }
    JsonObject out =
        run(
            "points.csv",
            csv.toString(),
            "stage_csv",
            new JsonObject()
                .put(
                    "converter_params",
                    new JsonObject().put("lat_name", "lat").put("lon_name", "lon")));
    assertEquals(15, Sql.count(fx.db.pool(), "SELECT count(*) FROM geo.stage_csv"));
    assertEquals("[-14.0,0.0,0.0,14.0]", out.getJsonArray("extent").encode());
  }

  /**
   * {@code n} polygons (40-vertex rings, ~10 rows per page, so the staging table spans both repair
   * ranges); every 100th one, from the first, is a self-intersecting bowtie whose repair is two
   * triangles of area 0.25.
   */
  private static String polygons(int n, int degenerateAt) {
    StringBuilder b = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < n; i++) {
      double x = (i % 100) * 2.0;
      double y = (i / 100) * 2.0 - 60;
      StringBuilder ring = new StringBuilder();
      if (i == degenerateAt) {
        ring.append("[0,0],[1,1],[0,0],[0,0]");
      } else if (i % 100 == 0) {
        ring.append(
            "[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]"
                .formatted(x, y, x + 1, y + 1, x + 1, y, x, y + 1, x, y));
      } else {
        for (int k = 0; k <= 40; k++) {
          double a = 2 * Math.PI * (k % 40) / 40;
          ring.append(k == 0 ? "" : ",")
              .append('[')
              .append(x + 0.5 * Math.cos(a))
              .append(',')
              .append(y + 0.5 * Math.sin(a))
              .append(']');
        }
      }
      b.append(i == 0 ? "" : ",")
          .append("{\"type\":\"Feature\",\"properties\":{\"n\":")
          .append(i)
          .append("},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[")
          .append(ring)
          .append("]]}}");
    }
    return b.append("]}").toString();
  }

  @Test
  void invalidPolygonsAreRepairedAtPublishAndCountedOnce() throws Exception {
    VectorFixture.Prepared p =
        prepare("bowties.geojson", polygons(3000, -1), "stage_bowties", chunked(500));
    List<JsonObject> loads = fx.loadAll(p);
    VectorTableSpec spec = VectorTableSpec.of(p.manifest().toJson());
    GeoTableBuilder table = new GeoTableBuilder(spec);
    GeoTablePublisher publisher = new GeoTablePublisher(fx.db.pool(), 2);
    // the bowties are loaded as they came (prepare no longer repairs)
    assertEquals(30, Sql.count(fx.db.pool(), invalidIn(table.staging(), spec)));
    assertEquals(30, publisher.repairGeometries(spec, table));
    assertEquals(
        2,
        Sql.count(
            fx.db.pool(),
            "SELECT count(*) FROM geo_staging.loaded_batches WHERE staging_table = '"
                + spec.stagingTable()
                + "' AND batch_id LIKE '#repaired:%'"),
        "both block ranges repaired some");
    // a re-run (publish retried) finds them valid and counts nothing twice
    assertEquals(30, publisher.repairGeometries(spec, table));
    assertEquals(0, Sql.count(fx.db.pool(), invalidIn(table.staging(), spec)));

    JsonObject out = fx.publish(p, loads);
    assertEquals(30, out.getLong("repaired_geometries"));
    assertEquals(3000, out.getLong("row_count"));
    assertEquals("MULTIPOLYGON", out.getString("geometry_type"));
    assertEquals(0, Sql.count(fx.db.pool(), invalidIn("geo.stage_bowties", spec)));
    assertEquals(
        30,
        Sql.count(
            fx.db.pool(),
            "SELECT count(*) FROM geo.stage_bowties WHERE n % 100 = 0"
                + " AND ST_NumGeometries(geom) = 2 AND abs(ST_Area(geom) - 0.5) < 1e-9"));
  }

  @Test
  void aPolygonNoRepairKeepsFailsThePublishAndPublishesNothing() throws Exception {
    VectorFixture.Prepared p =
        prepare("degenerate.geojson", polygons(300, 250), "stage_degenerate", chunked(100));
    List<JsonObject> loads = fx.loadAll(p);
    VectorTableSpec spec = VectorTableSpec.of(p.manifest().toJson());
    GeoTableBuilder table = new GeoTableBuilder(spec);
    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.publish(p, loads));
    assertEquals("GEOMETRY_UNREPAIRABLE", f.code());
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains("MULTIPOLYGON(((0 0,1 1,0 0,0 0)))"), f.getMessage());
    assertTrue(f.getMessage().contains("1 geometry cannot be repaired into MULTIPOLYGON"));
    assertEquals(
        0,
        Sql.count(
            fx.db.pool(),
            "SELECT count(*) FROM pg_tables WHERE schemaname"
                + " = 'geo' AND tablename = 'stage_degenerate'"));
    // a small table is one range, rolled back whole: the staging table is as loaded (3 bowties
    // and the degenerate polygon), no repair counted
    assertEquals(4, Sql.count(fx.db.pool(), invalidIn(table.staging(), spec)));
    assertEquals(0, new GeoTablePublisher(fx.db.pool(), 2).repairedGeometries(spec));
  }

  @Test
  void eachColumnTypeKeepsItsTypeAfterRepair() throws Exception {
    String[][] cases = {
      {"MULTIPOLYGON", "MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))", "MULTIPOLYGON"},
      {"MULTIPOLYGONZ", "MULTIPOLYGON Z(((0 0 5,1 1 5,1 0 5,0 1 5,0 0 5)))", "MULTIPOLYGON"},
      {"POLYGON", "POLYGON((0 0,1 1,1 0,0 1,0 0))", null},
      {"POLYGON", "POLYGON((0 0,2 0,2 2,0 2,0 0),(0 0,1 1,1 0.5,0 0))", "POLYGON"},
      {"MULTILINESTRING", "MULTILINESTRING((1 1,1 1),(0 0,1 0))", "MULTILINESTRING"},
      {"MULTILINESTRING", "MULTILINESTRING((1 1,1 1))", null},
      {"GEOMETRY", "POLYGON((0 0,1 1,1 0,0 1,0 0))", "MULTIPOLYGON"},
      {
        "GEOMETRYCOLLECTION",
        "GEOMETRYCOLLECTION(POLYGON((0 0,1 1,1 0,0 1,0 0)))",
        "GEOMETRYCOLLECTION"
      },
    };
    for (String[] c : cases) {
      String expr = GeometryRepairs.repairExpression("g", c[0]);
      JsonObject r =
          Sql.await(
                  fx.db
                      .pool()
                      .preparedQuery(
                          "SELECT GeometryType(x) AS t, ST_IsEmpty(x) AS empty,"
                              + " ST_NDims(x) AS dims FROM (SELECT "
                              + expr
                              + " AS x FROM (SELECT ST_GeomFromText($1) AS g) s) r")
                      .execute(io.vertx.mutiny.sqlclient.Tuple.of(c[1])))
              .iterator()
              .next()
              .toJson();
      String type = r.getValue("t") == null || r.getBoolean("empty") ? null : r.getString("t");
      assertEquals(c[2], type, c[0] + " " + c[1] + " -> " + r);
      if (type != null) {
        assertEquals(c[0].endsWith("Z") ? 3 : 2, r.getInteger("dims"), c[0]);
      }
    }
    assertFalse(GeometryRepairs.checks("MULTIPOINT"));
    assertFalse(GeometryRepairs.checks("MULTIPOINTZM"));
    assertTrue(GeometryRepairs.checks("MULTIPOLYGONM"));
  }

  private static JsonObject chunked(int rows) {
    return new JsonObject().put("chunk_size", rows);
  }

  private static String invalidIn(String table, VectorTableSpec spec) {
    return "SELECT count(*) FROM " + table + " WHERE NOT ST_IsValid(" + spec.geometryColumn() + ")";
  }
}
