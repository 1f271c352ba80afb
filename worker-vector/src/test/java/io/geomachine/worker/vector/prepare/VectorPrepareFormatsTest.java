package io.geomachine.worker.vector.prepare;

import static io.geomachine.worker.vector.prepare.VectorFiles.FEATURES;
import static io.geomachine.worker.vector.prepare.VectorFiles.ogr2ogr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prepare on every supported format, all generated from one reference dataset: rows, values, types,
 * geometry types, chunking and the manifest, read back from Azurite.
 */
class VectorPrepareFormatsTest {
  private static PrepareHarness h;
  private static Path reference;

  @BeforeAll
  static void setUp() throws Exception {
    h = new PrepareHarness("geomachine_test_vector_prepare_formats");
    reference = Files.writeString(h.files.resolve("ref.geojson"), VectorFiles.referenceGeoJson(0));
  }

  @AfterAll
  static void tearDown() throws Exception {
    h.close();
  }

  private static Map<String, Map<String, String>> byName(List<Map<String, String>> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.get("name"), r -> r));
  }

  @Test
  void geoJsonBecomesTypedChunksAndAManifest() throws Exception {
    Path withNulls =
        Files.writeString(h.files.resolve("nulls.geojson"), VectorFiles.referenceGeoJson(2));
    String blob = h.upload(withNulls, "Roads Data.geojson");
    JsonObject params =
        h.params(
            blob,
            new JsonObject()
                .put("chunk_size", 20)
                .put(
                    "indexes",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("columns", new JsonArray().add("Population Total")))));
    VectorManifest m = h.prepare(params);

    assertEquals(FEATURES, m.featureCount());
    assertEquals(2, m.droppedNullGeometries());
    assertEquals(
        List.of(20L, 20L, 10L), m.chunks().stream().map(VectorManifest.Chunk::rows).toList());
    for (VectorManifest.Chunk c : m.chunks()) {
      assertEquals(VectorManifest.chunkBlobName(m.jobId(), c.index(), c.format()), c.blob());
      assertEquals(m.jobId() + ":" + c.index(), c.batchId());
    }
    assertEquals("GeoJSON", m.sourceFormat());
    assertEquals(PrepareHarness.BRONZE + "/" + blob, m.sourceFile());
    assertEquals("EPSG:4326", m.sourceCrs());
    assertEquals("geo", m.targetSchema());
    assertEquals(params.getString("table_name"), m.targetTable());
    assertEquals(VectorManifest.stagingTableName(m.jobId()), m.stagingTable());
    assertEquals("geom", m.geometryColumn());
    assertEquals("MULTIPOINT", m.geometryType());
    assertEquals(2, m.coordDimension());
    assertEquals(4326, m.srid());
    assertEquals(
        List.of(
            new VectorManifest.Column("name", "Name", "text"),
            new VectorManifest.Column("count", "Count", "integer"),
            new VectorManifest.Column("big", "Big", "bigint"),
            new VectorManifest.Column("value", "Value", "double precision"),
            new VectorManifest.Column("flag", "Flag", "boolean"),
            new VectorManifest.Column("day", "Day", "date"),
            new VectorManifest.Column("stamp", "Stamp", "timestamp with time zone"),
            new VectorManifest.Column("population_total", "Population Total", "integer")),
        m.columns());
    assertEquals(
        new JsonArray()
            .add(
                new JsonObject()
                    .put("columns", new JsonArray().add("population_total"))
                    .put("type", "btree")),
        m.indexes());
    assertEquals("system-vectors", m.collectionId());
    assertEquals(m.targetTable(), m.itemId());
    assertEquals(
        1L,
        Sql.count(
            h.db.pool(),
            "SELECT count(*) FROM app.job_artifacts WHERE job_id = $1 AND container = $2 AND"
                + " prefix = $3",
            m.jobId(),
            PrepareHarness.TEMP,
            VectorManifest.prefix(m.jobId())));

    Map<String, Map<String, String>> rows = byName(h.rows(m));
    assertEquals(FEATURES, rows.size());
    for (int i = 0; i < FEATURES; i++) {
      Map<String, String> r = rows.get(VectorFiles.name(i));
      assertEquals(String.valueOf(i), r.get("count"));
      assertEquals(String.valueOf(10_000_000_000L + i), r.get("big"));
      assertEquals(i * 1.5 + 0.25, Double.parseDouble(r.get("value")));
      assertEquals(i % 2 == 0 ? "1" : "0", r.get("flag"));
      assertEquals(String.format("2024-01-%02d", i % 28 + 1), r.get("day"));
      assertEquals(String.format("2024-02-03 04:05:%02d+00", i % 60), r.get("stamp"));
      double[] xy = Chunks.firstPoint(r.get("geom"));
      assertEquals(VectorFiles.lon(i), xy[0], 1e-12);
      assertEquals(VectorFiles.lat(i), xy[1], 1e-12);
      assertEquals(4326, Chunks.srid(r.get("geom")));
    }
  }

  @Test
  void runningAgainReplacesTheChunksOfTheFirstRun() throws Exception {
    String blob = h.upload(reference, "again.geojson");
    VectorManifest first = h.prepare(h.params(blob, new JsonObject().put("chunk_size", 10)));
    // a stray file under the prefix (a crashed attempt's chunk) must not survive a re-run
    h.store.uploadBytes(
        PrepareHarness.TEMP,
        VectorManifest.chunkBlobName(first.jobId(), 99, VectorManifest.ChunkFormat.TEXT),
        new byte[] {1},
        null);
    VectorManifest again =
        h.prepare(h.params(blob, new JsonObject().put("chunk_size", 10)), first.jobId());
    assertEquals(first, again);
    assertEquals(
        6,
        h.store.list(PrepareHarness.TEMP, VectorManifest.prefix(first.jobId())).size(),
        "5 chunks and the manifest");
    assertEquals(FEATURES, h.rows(again).size());
  }

  /** Every other format, made from the reference with ogr2ogr: rows, names and geometries. */
  @Test
  void readsEveryFormat() throws Exception {
    Path f = h.files;
    String src = reference.toString();
    ogr2ogr("-f", "GPKG", f.resolve("ref.gpkg").toString(), src, "-nln", "points");
    ogr2ogr("-f", "FlatGeobuf", f.resolve("ref.fgb").toString(), src);
    ogr2ogr("-f", "GeoJSONSeq", f.resolve("ref.geojsonl").toString(), src);
    ogr2ogr("-f", "CSV", f.resolve("xy.csv").toString(), src, "-lco", "GEOMETRY=AS_XY");
    ogr2ogr("-f", "CSV", f.resolve("wkt.csv").toString(), src, "-lco", "GEOMETRY=AS_WKT");
    ogr2ogr("-f", "KML", f.resolve("ref.kml").toString(), src);
    ogr2ogr("-f", "GML", f.resolve("ref.gml").toString(), src);
    Path shp = Files.createDirectories(f.resolve("shp"));
    ogr2ogr(
        "-f",
        "ESRI Shapefile",
        shp.resolve("points.shp").toString(),
        src,
        "-lco",
        "ENCODING=UTF-8");
    Path gdb = f.resolve("ref.gdb");
    ogr2ogr("-f", "OpenFileGDB", gdb.toString(), src, "-nln", "points");
    Path kmzDir = Files.createDirectories(f.resolve("kmz"));
    Files.copy(f.resolve("ref.kml"), kmzDir.resolve("doc.kml"));
    VectorFiles.zip(f.resolve("ref.kmz"), kmzDir.resolve("doc.kml"));
    VectorFiles.zip(
        f.resolve("points.zip"),
        shp.resolve("points.shp"),
        shp.resolve("points.dbf"),
        shp.resolve("points.shx"),
        shp.resolve("points.prj"),
        shp.resolve("points.cpg"));
    VectorFiles.zip(f.resolve("ref.gdb.zip"), gdb);
    for (String ext : List.of("shp", "dbf", "shx", "prj", "cpg")) {
      h.upload(shp.resolve("points." + ext), "plain/points." + ext);
    }

    Map<String, JsonObject> cases =
        new java.util.LinkedHashMap<>(
            Map.of(
                "ref.gpkg", new JsonObject(),
                "ref.fgb", new JsonObject(),
                "ref.geojsonl", new JsonObject(),
                "xy.csv",
                    new JsonObject()
                        .put(
                            "converter_params",
                            new JsonObject().put("lat_name", "Y").put("lon_name", "X")),
                "wkt.csv",
                    new JsonObject()
                        .put("converter_params", new JsonObject().put("wkt_column", "WKT")),
                "ref.kml", new JsonObject(),
                "ref.kmz", new JsonObject(),
                "ref.gml", new JsonObject(),
                "points.zip", new JsonObject(),
                "ref.gdb.zip", new JsonObject()));
    Map<String, String> drivers =
        Map.of(
            "ref.gpkg", "GPKG",
            "ref.fgb", "FlatGeobuf",
            "ref.geojsonl", "GeoJSONSeq",
            "xy.csv", "CSV",
            "wkt.csv", "CSV",
            "ref.kml", "LIBKML",
            "ref.kmz", "LIBKML",
            "ref.gml", "GML",
            "points.zip", "ESRI Shapefile",
            "ref.gdb.zip", "OpenFileGDB");
    for (Map.Entry<String, JsonObject> c : cases.entrySet()) {
      String blob = h.upload(f.resolve(c.getKey()));
      check(c.getKey(), h.prepare(h.params(blob, c.getValue())), drivers.get(c.getKey()));
    }
    VectorManifest plain = h.prepare(h.params(h.run + "/plain/points.shp", new JsonObject()));
    check("plain shapefile", plain, "ESRI Shapefile");
  }

  private void check(String what, VectorManifest m, String driver) {
    assertEquals(driver, m.sourceFormat(), what);
    assertEquals(FEATURES, m.featureCount(), what);
    assertEquals("MULTIPOINT", m.geometryType(), what);
    assertTrue(
        m.columns().stream().anyMatch(c -> c.name().equals("name")), what + ": " + m.columns());
    Map<String, Map<String, String>> rows = byName(h.rows(m));
    Map<String, String> seven = rows.get("feature 7");
    assertTrue(seven != null, what + ": feature 7 missing from " + rows.keySet());
    double[] xy = Chunks.firstPoint(seven.get("geom"));
    assertEquals(VectorFiles.lon(7), xy[0], 1e-6, what);
    assertEquals(VectorFiles.lat(7), xy[1], 1e-6, what);
    assertTrue(rows.containsKey("Zürich — ü"), what + ": non-ASCII value");
  }

  @Test
  void aShapefileWithoutShxIsRead() throws Exception {
    Path dir = Files.createDirectories(h.files.resolve("noshx"));
    ogr2ogr(
        "-f",
        "ESRI Shapefile",
        dir.resolve("points.shp").toString(),
        reference.toString(),
        "-lco",
        "ENCODING=UTF-8");
    for (String ext : List.of("shp", "dbf", "prj", "cpg")) {
      h.upload(dir.resolve("points." + ext), "noshx/points." + ext);
    }
    VectorManifest m = h.prepare(h.params(h.run + "/noshx/points.shp", new JsonObject()));
    check("shapefile without .shx", m, "ESRI Shapefile");
  }

  @Test
  void reprojectsFromAProjectedCrs() throws Exception {
    Path utm = h.files.resolve("utm.gpkg");
    ogr2ogr("-f", "GPKG", utm.toString(), reference.toString(), "-t_srs", "EPSG:32633");
    VectorManifest m = h.prepare(h.params(h.upload(utm), new JsonObject()));
    assertEquals("EPSG:32633", m.sourceCrs());
    Map<String, Map<String, String>> rows = byName(h.rows(m));
    for (int i : new int[] {0, 17, 49}) {
      double[] xy = Chunks.firstPoint(rows.get(VectorFiles.name(i)).get("geom"));
      assertEquals(VectorFiles.lon(i), xy[0], 1e-7);
      assertEquals(VectorFiles.lat(i), xy[1], 1e-7);
    }
  }

  @Test
  void dropsZAndMUnlessKept() throws Exception {
    Path csv =
        Files.writeString(
            h.files.resolve("zm.csv"),
            "id,wkt\n1,\"POINT ZM (10 20 30 40)\"\n2,\"MULTIPOINT ZM ((11 21 31 41))\"\n");
    String blob = h.upload(csv);
    JsonObject wkt =
        new JsonObject().put("converter_params", new JsonObject().put("wkt_column", "wkt"));
    VectorManifest flat = h.prepare(h.params(blob, wkt.copy()));
    assertEquals("MULTIPOINT", flat.geometryType());
    assertEquals(2, flat.coordDimension());
    assertEquals(2, Chunks.firstPoint(h.rows(flat).get(0).get("geom")).length);

    VectorManifest z =
        h.prepare(
            h.params(
                blob, wkt.copy().put("geometry_params", new JsonObject().put("keep_z", true))));
    assertEquals("MULTIPOINTZ", z.geometryType());
    assertEquals(3, z.coordDimension());
    assertEquals(30.0, Chunks.firstPoint(h.rows(z).get(0).get("geom"))[2]);

    VectorManifest zm =
        h.prepare(
            h.params(
                blob,
                wkt.copy()
                    .put(
                        "geometry_params",
                        new JsonObject().put("keep_z", true).put("keep_m", true))));
    assertEquals("MULTIPOINTZM", zm.geometryType());
    assertEquals(4, zm.coordDimension());
    double[] p = Chunks.firstPoint(h.rows(zm).get(0).get("geom"));
    assertEquals(40.0, p[3]);
  }

  @Test
  void arcgisModeNamesTheGeometryShape() throws Exception {
    Path polygons =
        Files.writeString(
            h.files.resolve("bowtie.geojson"),
            "{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"k\":1},\"geometry\":{\"type\":\"Polygon\","
                + "\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}},"
                + "{\"type\":\"Feature\",\"properties\":{\"k\":2},\"geometry\":{\"type\":\"MultiPolygon\","
                + "\"coordinates\":[[[[5,5],[6,5],[6,6],[5,5]]]]}}]}");
    VectorManifest m =
        h.prepare(h.params(h.upload(polygons), new JsonObject().put("arcgis_mode", true)));
    assertEquals("shape", m.geometryColumn());
    assertEquals("MULTIPOLYGON", m.geometryType());
    assertEquals(2, m.featureCount());
    assertTrue(h.rows(m).get(0).containsKey("shape"));
  }
}
