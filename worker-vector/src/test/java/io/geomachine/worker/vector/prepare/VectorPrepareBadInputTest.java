package io.geomachine.worker.vector.prepare;

import static io.geomachine.worker.vector.prepare.VectorFiles.ogr2ogr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every bad input fails prepare with its code and a message naming the file or field, leaving no
 * chunks and no local files behind (checked by {@link PrepareHarness#fails}).
 */
class VectorPrepareBadInputTest {
  private static PrepareHarness h;

  @BeforeAll
  static void setUp() throws Exception {
    h = new PrepareHarness("geomachine_test_vector_prepare_bad");
  }

  @AfterAll
  static void tearDown() throws Exception {
    h.close();
  }

  private static Path file(String name, String content) throws Exception {
    return Files.writeString(h.files.resolve(name), content);
  }

  private static String geojson(String properties, String geometry) {
    return "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        + properties
        + ",\"geometry\":"
        + geometry
        + "}]}";
  }

  private static void assertFails(String code, String blob, JsonObject extra, String inMessage)
      throws Exception {
    TaskFailure f = h.fails(h.params(blob, extra));
    assertEquals(code, f.code(), f.getMessage());
    assertTrue(f.getMessage().contains(inMessage), f.getMessage());
  }

  @Test
  void unsupportedExtensionAndMissingBlob() throws Exception {
    String xlsx = h.upload(file("data.xlsx", "not a spreadsheet"));
    assertFails("UNSUPPORTED_FORMAT", xlsx, new JsonObject(), "'xlsx'");
    assertFails("BLOB_NOT_FOUND", h.run + "/nothing.gpkg", new JsonObject(), "nothing.gpkg");
  }

  @Test
  void corruptFilesAreUnreadable() throws Exception {
    String gpkg = h.upload(file("broken.gpkg", "SQLite format 3 but truncated"));
    assertFails("FILE_UNREADABLE", gpkg, new JsonObject(), "broken.gpkg");
    String json = h.upload(file("broken.geojson", "{\"type\":\"FeatureCollection\",\"feat"));
    assertFails("FILE_UNREADABLE", json, new JsonObject(), "broken.geojson");
    String zip = h.upload(file("broken.zip", "PK not really"));
    assertFails("FILE_UNREADABLE", zip, new JsonObject(), "broken.zip");
  }

  @Test
  void noGeometryLayerNotFoundAndEmptyLayer() throws Exception {
    Path csv = file("plain.csv", "name,value\na,1\nb,2\n");
    Path gpkg = h.files.resolve("plain.gpkg");
    ogr2ogr("-f", "GPKG", gpkg.toString(), csv.toString(), "-nln", "plain");
    assertFails("NO_GEOMETRY", h.upload(gpkg), new JsonObject(), "no layer has a geometry");
    assertFails(
        "NO_GEOMETRY",
        h.upload(csv),
        new JsonObject()
            .put(
                "converter_params", new JsonObject().put("lat_name", "lat").put("lon_name", "lon")),
        "'lat' (lat_name)");

    Path points =
        file("one.geojson", geojson("{\"a\":1}", "{\"type\":\"Point\",\"coordinates\":[1,2]}"));
    Path layered = h.files.resolve("layered.gpkg");
    ogr2ogr("-f", "GPKG", layered.toString(), points.toString(), "-nln", "points");
    assertFails(
        "LAYER_NOT_FOUND",
        h.upload(layered),
        new JsonObject().put("converter_params", new JsonObject().put("layer_name", "roads")),
        "layers: points");

    Path empty = h.files.resolve("empty.gpkg");
    ogr2ogr("-f", "GPKG", empty.toString(), points.toString(), "-nln", "empty", "-where", "a = 0");
    assertFails("EMPTY_LAYER", h.upload(empty), new JsonObject(), "no features");
    String nullsOnly = h.upload(file("nulls.geojson", geojson("{\"a\":1}", "null")));
    assertFails("EMPTY_LAYER", nullsOnly, new JsonObject(), "has a geometry");
  }

  @Test
  void zipWithoutShapefile() throws Exception {
    Path readme = file("readme.txt", "no shapefile here");
    String zip = h.upload(VectorFiles.zip(h.files.resolve("noshp.zip"), readme));
    assertFails("SHAPEFILE_NOT_FOUND", zip, new JsonObject(), "no .shp");
  }

  @Test
  void shapefileWithoutPrjNeedsADeclaredCrs() throws Exception {
    Path src =
        file(
            "utm.geojson",
            geojson("{\"a\":1}", "{\"type\":\"Point\",\"coordinates\":[500000,5000000]}"));
    Path shp = Files.createDirectories(h.files.resolve("noprj"));
    ogr2ogr(
        "-f",
        "ESRI Shapefile",
        shp.resolve("pts.shp").toString(),
        src.toString(),
        "-a_srs",
        "EPSG:32633");
    Files.delete(shp.resolve("pts.prj"));
    String zip =
        h.upload(
            VectorFiles.zip(
                h.files.resolve("noprj.zip"),
                shp.resolve("pts.shp"),
                shp.resolve("pts.shx"),
                shp.resolve("pts.dbf")));
    assertFails("CRS_MISSING", zip, new JsonObject(), "source_crs");
    VectorManifest m = h.prepare(h.params(zip, new JsonObject().put("source_crs", "EPSG:32633")));
    assertEquals("EPSG:32633", m.sourceCrs());
    double[] lonLat = Chunks.firstPoint(h.rows(m).get(0).get("geom"));
    assertEquals(15.0, lonLat[0], 1e-9); // UTM 33N's central meridian
  }

  @Test
  void aLineInAPolygonLayerIsAMixedType() throws Exception {
    Path source =
        file(
            "shapes.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                + "{\"a\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],"
                + "[0,0]]]}},{\"type\":\"Feature\",\"properties\":{\"a\":2},\"geometry\":{\"type\":"
                + "\"LineString\",\"coordinates\":[[0,0],[1,1]]}}]}");
    // GDAL writes the line into the layer declared POLYGON (with a warning), as other tools do
    Path gpkg = h.files.resolve("declared.gpkg");
    ogr2ogr("-f", "GPKG", gpkg.toString(), source.toString(), "-nln", "shapes", "-nlt", "POLYGON");
    assertFails("MIXED_GEOMETRY_TYPES", h.upload(gpkg), new JsonObject(), "declared type");
  }

  @Test
  void columnNameCollisionFailsUnlessRenamed() throws Exception {
    String blob =
        h.upload(
            file(
                "collide.geojson",
                geojson(
                    "{\"OBJECTID\":7,\"Geom\":\"x\"}",
                    "{\"type\":\"Point\",\"coordinates\":[1,2]}")));
    assertFails("COLUMN_NAME_COLLISION", blob, new JsonObject(), "'OBJECTID'");
    VectorManifest m =
        h.prepare(h.params(blob, new JsonObject().put("rename_colliding_columns", true)));
    assertEquals("objectid_src", m.columns().get(0).name());
    assertEquals("geom_src", m.columns().get(1).name());
    assertEquals("7", h.rows(m).get(0).get("objectid_src"));
    // in ArcGIS mode the geometry is 'shape', so a 'geom' attribute keeps its name
    VectorManifest arcgis =
        h.prepare(
            h.params(
                blob,
                new JsonObject().put("rename_colliding_columns", true).put("arcgis_mode", true)));
    assertEquals("geom", arcgis.columns().get(1).name());
  }

  @Test
  void unknownIndexColumn() throws Exception {
    String blob =
        h.upload(
            file(
                "idx.geojson", geojson("{\"a\":1}", "{\"type\":\"Point\",\"coordinates\":[1,2]}")));
    assertFails(
        "INDEX_COLUMN_NOT_FOUND",
        blob,
        new JsonObject()
            .put(
                "indexes",
                new JsonArray().add(new JsonObject().put("columns", new JsonArray().add("b")))),
        "'b'");
  }

  @Test
  void existingTableFailsUnlessOverwrite() throws Exception {
    String blob =
        h.upload(
            file(
                "exists.geojson",
                geojson("{\"a\":1}", "{\"type\":\"Point\",\"coordinates\":[1,2]}")));
    JsonObject own = new JsonObject().put("table_name", "exists_" + h.run.replace('-', '_'));
    JsonObject params = h.params(blob, own);
    Sql.update(h.db.pool(), "CREATE SCHEMA IF NOT EXISTS geo");
    Sql.update(h.db.pool(), "CREATE TABLE geo." + params.getString("table_name") + " (id int)");
    TaskFailure f = h.fails(params);
    assertEquals("TABLE_EXISTS", f.code());
    assertTrue(f.getMessage().contains("overwrite=true"), f.getMessage());
    assertEquals(1, h.prepare(h.params(blob, own.copy().put("overwrite", true))).featureCount());
  }

  @Test
  void mixedGeometryFamiliesAreRefusedUnlessGeometry() throws Exception {
    String mixed =
        "{\"type\":\"FeatureCollection\",\"features\":["
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}},"
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]]}},"
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}]}";
    String blob = h.upload(file("mixed.geojson", mixed));
    assertFails("MIXED_GEOMETRY_TYPES", blob, new JsonObject(), "MULTIPOINT, MULTIPOLYGON");
    VectorManifest m =
        h.prepare(h.params(blob, new JsonObject().put("mixed_geometry", "geometry")));
    assertEquals("GEOMETRY", m.geometryType());
    assertEquals(3, m.featureCount());

    String points = mixed.substring(0, mixed.lastIndexOf(",{\"type\":\"Feature\"")) + "]}";
    VectorManifest promoted =
        h.prepare(h.params(h.upload(file("points.geojson", points)), new JsonObject()));
    assertEquals("MULTIPOINT", promoted.geometryType());
  }
}
