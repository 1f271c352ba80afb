package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.geomachine.core.job.vector.VectorManifest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CSV or GeoJSONSeq source split into parts converted at once gives exactly the chunks (bytes,
 * row counts, indexes) and manifest of the one-pass conversion, even where a part alone would type
 * or name its columns differently; a split that does not line up falls back to one pass.
 */
class PrepareSplitTest {
  private static final int ROWS = 1000;
  private static PrepareHarness h;

  @BeforeAll
  static void setUp() throws Exception {
    h = new PrepareHarness("geomachine_test_vector_prepare_split");
  }

  @AfterAll
  static void tearDown() throws Exception {
    h.close();
  }

  /**
   * 1,000 points; {@code code} looks like an integer ("007") except in the last rows, so a part
   * typing it on its own would write 7; a few names hold quoted commas and newlines.
   */
  private static Path csv() throws Exception {
    return csv("points.csv", true);
  }

  /** As above; without {@code uneven}, {@code code} is always text and {@code value} real. */
  private static Path csv(String fileName, boolean uneven) throws Exception {
    StringBuilder b = new StringBuilder("id,code,name,value,day,lat,lon\n");
    for (int i = 0; i < ROWS; i++) {
      String code = i < 900 && uneven ? String.format("%03d", i) : "x" + i;
      String name = i % 97 == 5 ? "\"multi, line\nname \"\"" + i + "\"\"\"" : "p" + i;
      String value = i < 500 && uneven ? String.valueOf(i) : i + ".25";
      String day = String.format("2024-01-%02d", i % 28 + 1);
      b.append(i).append(',').append(code).append(',').append(name).append(',').append(value);
      b.append(',').append(day).append(',').append(45 + i * 0.001).append(',');
      b.append(10 + i * 0.001).append('\n');
    }
    return Files.writeString(h.files.resolve(fileName), b.toString());
  }

  /**
   * 1,000 polygons (one a self-intersecting bowtie, repaired at publish); {@code late} only appears
   * in the last features, {@code num} turns real there: a part on its own would lack the column or
   * type it as an integer. The first {@code nullGeometries} features have no geometry.
   */
  private static Path geoJsonSeq(String name, int nullGeometries) throws Exception {
    return geoJsonSeq(name, nullGeometries, true);
  }

  /** As above; without {@code uneven}, no {@code late} and {@code num} always an integer. */
  private static Path geoJsonSeq(String name, int nullGeometries, boolean uneven) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      double x = -100 + (i % 100) * 0.5;
      double y = -40 + (i / 100) * 0.5;
      String ring =
          i == 7
              ? "[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]"
                  .formatted(x, y, x + 0.2, y + 0.2, x + 0.2, y, x, y + 0.2, x, y)
              : "[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]"
                  .formatted(x, y, x + 0.2, y, x + 0.2, y + 0.2, x, y + 0.2, x, y);
      JsonObject properties =
          new JsonObject().put("id", i).put("kind", "k" + i % 10).put("flag", i % 3 == 0);
      properties.put("num", i < 900 || !uneven ? (Object) i : (Object) (i + 0.5));
      if (i >= 950 && uneven) {
        properties.put("late", "l" + i);
      }
      String geometry =
          i < nullGeometries ? "null" : "{\"type\":\"Polygon\",\"coordinates\":[" + ring + "]}";
      b.append("{\"type\":\"Feature\",\"properties\":")
          .append(properties.encode())
          .append(",\"geometry\":")
          .append(geometry)
          .append("}\n");
    }
    return Files.writeString(h.files.resolve(name), b.toString());
  }

  /** Prepares with one pass and with {@code parallelism} parts; asserts the same output. */
  private static int samePrepare(JsonObject params, int parallelism) throws Exception {
    return samePrepareResult(params, parallelism).getInteger("conversion_parts");
  }

  /** As {@link #samePrepare}; the split run's task result. */
  private static JsonObject samePrepareResult(JsonObject params, int parallelism) throws Exception {
    JsonObject serial = h.run(h.splitting(1), params);
    JsonObject split = h.run(h.splitting(parallelism), params);
    assertEquals(1, serial.getInteger("conversion_parts"));
    VectorManifest a = VectorManifest.fromJson(serial.getJsonObject("manifest"));
    VectorManifest b = VectorManifest.fromJson(split.getJsonObject("manifest"));
    assertEquals(a.columns(), b.columns());
    assertEquals(a.geometryType(), b.geometryType());
    assertEquals(a.coordDimension(), b.coordDimension());
    assertEquals(a.featureCount(), b.featureCount());
    assertEquals(a.droppedNullGeometries(), b.droppedNullGeometries());
    assertEquals(a.chunks().size(), b.chunks().size());
    for (int i = 0; i < a.chunks().size(); i++) {
      VectorManifest.Chunk ca = a.chunks().get(i);
      VectorManifest.Chunk cb = b.chunks().get(i);
      assertEquals(i, cb.index());
      assertEquals(VectorManifest.chunkBlobName(b.jobId(), i, cb.format()), cb.blob());
      assertEquals(b.jobId() + ":" + i, cb.batchId());
      assertEquals(ca.rows(), cb.rows());
      assertArrayEquals(
          Chunks.bytes(h.store, PrepareHarness.TEMP, ca.blob()),
          Chunks.bytes(h.store, PrepareHarness.TEMP, cb.blob()),
          "chunk " + i);
    }
    assertEquals(a, withJob(b, a.jobId()), "the manifests differ beyond the job id");
    return split;
  }

  /** {@code m} as if made by job {@code jobId} (ids, staging table, chunk names, batch ids). */
  private static VectorManifest withJob(VectorManifest m, String jobId) {
    JsonObject j = m.toJson().encode().replace(m.jobId(), jobId).transform(JsonObject::new);
    j.put("staging_table", VectorManifest.stagingTableName(jobId));
    return VectorManifest.fromJson(j);
  }

  /** A point CSV's job parameters: 100 rows per chunk, coordinates in lat/lon. */
  private static JsonObject pointParams(String blob) {
    return chunked(blob, 100, new JsonObject().put("lat_name", "lat").put("lon_name", "lon"));
  }

  /** Job parameters for {@code blob}: {@code chunkSize} rows per chunk, no converter settings. */
  private static JsonObject chunked(String blob, int chunkSize) {
    return chunked(blob, chunkSize, null);
  }

  /** As above, with {@code converter} as converter_params. */
  private static JsonObject chunked(String blob, int chunkSize, JsonObject converter) {
    JsonObject extra = new JsonObject().put("chunk_size", chunkSize);
    if (converter != null) {
      extra.put("converter_params", converter);
    }
    return h.params(blob, extra);
  }

  @Test
  void aSplitCsvGivesTheChunksOfOnePass() throws Exception {
    String blob = h.upload(csv());
    JsonObject params = pointParams(blob);
    JsonObject split = samePrepareResult(params, 3);
    assertEquals(3, split.getInteger("conversion_parts"));
    assertEquals(false, split.getBoolean("probed_in_parts"), "code is text only in the last part");
    VectorManifest m = h.prepare(params);
    assertEquals(ROWS, m.featureCount());
    assertEquals(
        List.of("integer", "text", "text", "double precision", "date"),
        m.columns().stream().map(VectorManifest.Column::pgType).toList());
    assertEquals("007", h.rows(m).get(7).get("code"));
  }

  @Test
  void csvPartsWithTheSameTypesAreProbedAtOnce() throws Exception {
    String blob = h.upload(csv("same.csv", false));
    JsonObject params = pointParams(blob);
    JsonObject split = samePrepareResult(params, 2);
    assertEquals(2, split.getInteger("conversion_parts"));
    assertEquals(true, split.getBoolean("probed_in_parts"));
    assertEquals(false, split.getBoolean("parts_opened_once"), "CSV parts convert with a .csvt");
  }

  @Test
  void aSplitWktCsvGivesTheChunksOfOnePass() throws Exception {
    StringBuilder b = new StringBuilder("id,stamp,geometry,label\n");
    for (int i = 0; i < ROWS; i++) {
      b.append(i)
          .append(String.format(",2024-02-03T04:05:%02dZ", i % 60))
          .append(",\"LINESTRING (")
          .append(i * 0.01)
          .append(" 1, 2 ")
          .append(i * 0.02)
          .append(")\",")
          .append(i < 990 ? String.valueOf(i) : "L" + i)
          .append('\n');
    }
    String blob = h.upload(Files.writeString(h.files.resolve("lines.csv"), b.toString()));
    JsonObject params = chunked(blob, 250, new JsonObject().put("wkt_column", "geometry"));
    assertEquals(2, samePrepare(params, 2));
    VectorManifest m = h.prepare(params);
    assertEquals("MULTILINESTRING", m.geometryType());
    assertEquals(
        List.of("integer", "timestamp with time zone", "text"),
        m.columns().stream().map(VectorManifest.Column::pgType).toList());
  }

  @Test
  void aSplitGeoJsonSeqGivesTheChunksOfOnePass() throws Exception {
    String blob = h.upload(geoJsonSeq("polygons.geojsonl", 0));
    JsonObject params = chunked(blob, 100);
    JsonObject split = samePrepareResult(params, 2);
    assertEquals(2, split.getInteger("conversion_parts"));
    assertEquals(false, split.getBoolean("probed_in_parts"), "the parts' schemas differ");
    VectorManifest m = h.prepare(params);
    assertEquals(ROWS, m.featureCount());
    assertEquals(0, m.droppedNullGeometries());
    assertEquals("MULTIPOLYGON", m.geometryType());
    assertEquals(
        List.of("id", "kind", "flag", "num", "late"),
        m.columns().stream().map(VectorManifest.Column::name).toList());
  }

  @Test
  void partsWithTheSameSchemaAreProbedAtOnce() throws Exception {
    String blob = h.upload(geoJsonSeq("same.geojsonl", 0, false));
    JsonObject params = chunked(blob, 100);
    JsonObject split = samePrepareResult(params, 2);
    assertEquals(2, split.getInteger("conversion_parts"));
    assertEquals(true, split.getBoolean("probed_in_parts"));
    assertEquals(
        true,
        split.getBoolean("parts_opened_once"),
        "the processes that probed the parts converted them (same bytes as one ogr2ogr pass)");
    assertEquals(
        List.of("id", "kind", "flag", "num"),
        VectorManifest.fromJson(split.getJsonObject("manifest")).columns().stream()
            .map(VectorManifest.Column::name)
            .toList());
  }

  /** The 1,000 polygons (uniform schema) as a GeoPackage layer (GDAL keeps their ids, 0-999). */
  private static Path geoPackage(String name) throws Exception {
    Path gpkg = h.files.resolve(name);
    Files.deleteIfExists(gpkg);
    VectorFiles.ogr2ogr(
        "-f",
        "GPKG",
        gpkg.toString(),
        geoJsonSeq(name + ".geojsonl", 0, false).toString(),
        "-nln",
        "parcels");
    return gpkg;
  }

  @Test
  void aGeoPackageSplitByFeatureIdGivesTheChunksOfOnePass() throws Exception {
    String blob = h.upload(geoPackage("parcels.gpkg"));
    JsonObject params = chunked(blob, 100);
    JsonObject split = samePrepareResult(params, 3);
    assertEquals(3, split.getInteger("conversion_parts"), "ids 0-299, 300-599, 600-999");
    VectorManifest m = VectorManifest.fromJson(split.getJsonObject("manifest"));
    assertEquals(ROWS, m.featureCount());
    assertEquals("MULTIPOLYGON", m.geometryType());
  }

  @Test
  void flatGeobufAndZippedShapefilesSplitByFeatureIdGiveTheChunksOfOnePass() throws Exception {
    Path gpkg = geoPackage("source.gpkg");
    Path fgb = h.files.resolve("parcels.fgb");
    VectorFiles.ogr2ogr("-f", "FlatGeobuf", fgb.toString(), gpkg.toString());
    JsonObject fromFgb = samePrepareResult(chunked(h.upload(fgb), 100), 2);
    assertEquals(2, fromFgb.getInteger("conversion_parts"), "FIDs 0-499, 500-999");
    Path shp = Files.createDirectories(h.files.resolve("shp"));
    VectorFiles.ogr2ogr(
        "-f", "ESRI Shapefile", shp.resolve("parcels.shp").toString(), gpkg.toString());
    List<Path> parts = new ArrayList<>();
    for (String ext : List.of("shp", "dbf", "shx", "prj")) {
      parts.add(shp.resolve("parcels." + ext));
    }
    Path zip = VectorFiles.zip(h.files.resolve("parcels.zip"), parts.toArray(Path[]::new));
    JsonObject fromShp = samePrepareResult(chunked(h.upload(zip), 100), 3);
    assertEquals(3, fromShp.getInteger("conversion_parts"));
    assertEquals(ROWS, VectorManifest.fromJson(fromShp.getJsonObject("manifest")).featureCount());
  }

  @Test
  void aGeoPackageWithGapsInItsIdsIsConvertedInOnePass() throws Exception {
    Path gpkg = geoPackage("gaps.gpkg");
    ProcessBuilder delete =
        new ProcessBuilder(
                "ogrinfo",
                gpkg.toString(),
                "-sql",
                "DELETE FROM parcels WHERE rowid = 150",
                "-dialect",
                "SQLITE")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    assertEquals(0, delete.start().waitFor());
    String blob = h.upload(gpkg);
    JsonObject params = chunked(blob, 100, new JsonObject().put("layer_name", "parcels"));
    assertEquals(1, samePrepare(params, 3), "ids 0-149, 151-999: not split");
    assertEquals(ROWS - 1, h.prepare(params).featureCount());
  }

  @Test
  void aGeoJsonCollectionIsCutIntoPartsWithTheChunksOfOnePass() throws Exception {
    Path seq = geoJsonSeq("for-collection.geojsonl", 0, false);
    Path collection = h.files.resolve("collection.geojson");
    // as GDAL writes a collection: a name and a CRS84 crs member, one feature per line
    VectorFiles.ogr2ogr("-f", "GeoJSON", collection.toString(), seq.toString());
    JsonObject split = samePrepareResult(chunked(h.upload(collection), 100), 2);
    assertEquals(2, split.getInteger("conversion_parts"));
    assertEquals(true, split.getBoolean("probed_in_parts"));
    assertEquals(true, split.getBoolean("parts_opened_once"));
    VectorManifest m = VectorManifest.fromJson(split.getJsonObject("manifest"));
    assertEquals("GeoJSON", m.sourceFormat(), "the source's format, not its parts'");
    assertEquals("EPSG:4326", m.sourceCrs());
    assertEquals(ROWS, m.featureCount());
  }

  @Test
  void aPrettyPrintedCollectionIsCutAtFeatureBoundariesOnly() throws Exception {
    StringBuilder b =
        new StringBuilder("{\n  \"type\" : \"FeatureCollection\",\n  \"features\" : [");
    for (int i = 0; i < ROWS; i++) {
      b.append(i > 0 ? ",\n" : "\n")
          .append("    {\n      \"type\": \"Feature\",\n      \"properties\": {\"id\": ")
          .append(i)
          .append(", \"note\": ")
          .append(jsonString(awkward(i)))
          .append("},\n      \"geometry\": {\"type\": \"Point\", \"coordinates\": [\n        ")
          .append(-100 + i * 0.1)
          .append(", ")
          .append(40 + i * 0.01)
          .append("\n      ]}\n    }");
    }
    b.append("\n  ],\n  \"bbox\": [-180, -90, 180, 90]\n}\n");
    Path collection = Files.writeString(h.files.resolve("pretty.geojson"), b.toString());
    JsonObject params = chunked(h.upload(collection), 100);
    assertEquals(3, samePrepare(params, 3));
    VectorManifest m = h.prepare(params);
    assertEquals(ROWS, m.featureCount());
    List<java.util.Map<String, String>> rows = h.rows(m);
    for (int i : new int[] {0, 1, 2, 3, 299, 300, 301, 999}) {
      assertEquals(awkward(i), rows.get(i).get("note"), "feature " + i);
    }
  }

  private static String jsonString(String s) {
    String array = new io.vertx.core.json.JsonArray().add(s).encode();
    return array.substring(1, array.length() - 1);
  }

  /** Strings with what a naive cut would take for structure: braces, brackets, quotes, commas. */
  private static String awkward(int i) {
    return switch (i % 4) {
      case 0 -> "a {brace} and [bracket] " + i;
      case 1 -> "a \"quote\", a comma: } ] " + i;
      case 2 -> "back\\slash\\\" }{ " + i;
      default -> "Zürich — " + i;
    };
  }

  @Test
  void aCollectionInAnotherCrsIsNotCutAndKeepsItsCrs() throws Exception {
    Path seq = geoJsonSeq("for-mercator.geojsonl", 0, false);
    Path collection = h.files.resolve("mercator.geojson");
    VectorFiles.ogr2ogr(
        "-f",
        "GeoJSON",
        "-s_srs",
        "EPSG:4326",
        "-t_srs",
        "EPSG:3857",
        collection.toString(),
        seq.toString());
    JsonObject result = h.run(h.splitting(2), chunked(h.upload(collection), 100));
    assertEquals(1, result.getInteger("conversion_parts"), "GeoJSONSeq parts would read WGS 84");
    VectorManifest m = VectorManifest.fromJson(result.getJsonObject("manifest"));
    assertEquals("EPSG:3857", m.sourceCrs());
    assertEquals(ROWS, m.featureCount());
  }

  @Test
  void aKmlIsOpenedOnceByTheProcessThatProbedIt() throws Exception {
    Path reference =
        Files.writeString(h.files.resolve("for-kml.geojson"), VectorFiles.referenceGeoJson(2));
    Path kml = h.files.resolve("document.kml");
    VectorFiles.ogr2ogr("-f", "KML", kml.toString(), reference.toString());
    JsonObject result = h.run(h.splitting(2), chunked(h.upload(kml), 20));
    assertEquals(1, result.getInteger("conversion_parts"), "a KML is not cut into parts");
    assertEquals(false, result.getBoolean("probed_in_parts"));
    assertEquals(true, result.getBoolean("parts_opened_once"), "the probing session converted it");
    VectorManifest m = VectorManifest.fromJson(result.getJsonObject("manifest"));
    assertEquals(VectorFiles.FEATURES, m.featureCount());
    assertEquals(VectorFiles.FEATURES, h.rows(m).size());
  }

  @Test
  void partsThatDoNotFillTheirChunksFallBackToOnePass() throws Exception {
    String blob = h.upload(geoJsonSeq("nulls.geojsonl", 250));
    JsonObject params = chunked(blob, 100);
    assertEquals(1, samePrepare(params, 2));
    VectorManifest m = h.prepare(params);
    assertEquals(ROWS - 250, m.featureCount());
    assertEquals(250, m.droppedNullGeometries());
  }

  @Test
  void onlyPlainHeadersAndSafeTypesAreSplit() {
    LayerProbe.Field id = new LayerProbe.Field("id", "Integer", "None");
    LayerProbe.Field name = new LayerProbe.Field("name", "String", "None");
    LayerProbe csvProbe =
        new LayerProbe(
            "CSV",
            "source",
            "Point",
            List.of(),
            false,
            false,
            true,
            null,
            null,
            List.of(id, name),
            null);
    assertEquals(
        "\"Integer\",\"String\",\"String\",\"String\"\n",
        PartSchemas.csvTypes("id,name,lat,lon\r", csvProbe));
    assertNull(PartSchemas.csvTypes("id;name;lat;lon", csvProbe));
    assertNull(PartSchemas.csvTypes("\"id\",name,lat,lon", csvProbe));
    assertNull(PartSchemas.csvTypes("name,id,lat,lon", csvProbe));
    LayerProbe.Field json = new LayerProbe.Field("props", "String", "JSON");
    LayerProbe.Field day = new LayerProbe.Field("day", "Date", "None");
    assertNotNull(PartSchemas.schemaFeature(csvProbe));
    assertNull(PartSchemas.schemaFeature(probeWith(json)));
    assertNull(PartSchemas.schemaFeature(probeWith(day)));
  }

  private static LayerProbe probeWith(LayerProbe.Field f) {
    return new LayerProbe(
        "GeoJSONSeq",
        "source",
        "Polygon",
        List.of(),
        false,
        false,
        true,
        "EPSG:4326",
        null,
        List.of(f),
        null);
  }
}
