package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prepare writes binary chunks where the column types allow, and they load into PostgreSQL (its own
 * COPY, through psql) as exactly the rows the text chunks of the same source load as: real GDAL,
 * real Azurite, split sources (a CSV cut into parts, a GeoPackage split by feature id).
 */
class BinaryChunksTest {
  private static final String DB = "geomachine_test_vector_binary_chunks";
  private static PrepareHarness h;

  @BeforeAll
  static void setUp() throws Exception {
    h = new PrepareHarness(DB);
  }

  @AfterAll
  static void tearDown() throws Exception {
    h.close();
  }

  /** Prepares {@code blob} twice, text and binary chunks; both loaded and compared row for row. */
  private static VectorManifest sameRowsBothWays(String blob, String table, int expectedRows)
      throws Exception {
    JsonObject params = h.params(blob, new JsonObject().put("chunk_size", 500));
    VectorManifest text =
        VectorManifest.fromJson(h.run(h.splitting(2, false), params).getJsonObject("manifest"));
    VectorManifest binary =
        VectorManifest.fromJson(h.run(h.splitting(2, true), params).getJsonObject("manifest"));
    assertEquals(text.columns(), binary.columns());
    assertEquals(text.featureCount(), binary.featureCount());
    assertEquals(expectedRows, binary.featureCount());
    assertTrue(binary.chunks().size() > 2, "several chunks: " + binary.chunks().size());
    for (VectorManifest.Chunk c : binary.chunks()) {
      assertEquals(VectorManifest.ChunkFormat.BINARY, c.format());
      assertTrue(c.blob().endsWith(".pgcopy.zst"), c.blob());
    }
    text.chunks().forEach(c -> assertEquals(VectorManifest.ChunkFormat.TEXT, c.format()));

    String columns =
        binary.columns().stream()
            .map(c -> c.name() + " " + c.pgType())
            .collect(Collectors.joining(", "));
    for (String t : new String[] {table + "_text", table + "_binary"}) {
      Sql.update(
          h.db.pool(),
          "CREATE TABLE "
              + t
              + " (geom geometry("
              + binary.geometryType()
              + ", 4326), "
              + columns
              + ")");
    }
    Chunks.copyInto(h, DB, table + "_text", text);
    Chunks.copyInto(h, DB, table + "_binary", binary);
    assertEquals(expectedRows, Sql.count(h.db.pool(), "SELECT count(*) FROM " + table + "_binary"));
    Chunks.assertSameRows(h.db.pool(), table + "_text", table + "_binary", binary.columns());
    return binary;
  }

  @Test
  void csvPointsCutIntoPartsLoadAlike() throws Exception {
    StringBuilder b = new StringBuilder("id,name,value,lat,lon\n");
    for (int i = 0; i < 2500; i++) {
      String name =
          switch (i % 5) {
            case 0 -> "\"tab\there, \\back\\slash \"\"quoted\"\"\"";
            case 1 -> "ünïcødé " + i;
            case 2 -> "";
            default -> "point " + i;
          };
      String value = i % 7 == 0 ? "" : String.format("%.3f", i * 0.37);
      b.append(i).append(',').append(name).append(',').append(value).append(',');
      b.append(-60 + i * 0.04).append(',').append(-170 + i * 0.13).append('\n');
    }
    Path csv = Files.writeString(h.files.resolve("points.csv"), b.toString());
    VectorManifest m = sameRowsBothWays(h.upload(csv), "points", 2500);
    assertEquals(
        "tab\there, \\back\\slash \"quoted\"",
        Sql.row(h.db.pool(), "SELECT name FROM points_binary WHERE id = 5").getString("name"));
    assertEquals("MULTIPOINT", m.geometryType());
  }

  @Test
  void geoPackageSplitByFeatureIdLoadsAlikeWithEveryBinaryType() throws Exception {
    StringBuilder b = new StringBuilder("wkt,flag,small,count,big,f32,r,day,s\n");
    for (int i = 0; i < 1800; i++) {
      double x = -100 + (i % 60) * 0.5;
      double y = -40 + (i / 60) * 0.5;
      String wkt =
          "\"POLYGON ((%s %s, %s %s, %s %s, %s %s))\""
              .formatted(x, y, x + 0.3, y, x, y + 0.3, x, y);
      boolean nulls = i % 11 == 3;
      b.append(wkt).append(',');
      b.append(nulls ? "" : i % 2 == 0 ? "true" : "false").append(',');
      b.append(nulls ? "" : String.valueOf(i % 2 == 0 ? -32768 + i : 32767 - i)).append(',');
      b.append(nulls ? "" : String.valueOf(i * 1_000_003 - 900_000_000)).append(',');
      b.append(nulls ? "" : String.valueOf(9_000_000_000_000_000_000L / (i + 1))).append(',');
      b.append(nulls ? "" : String.valueOf(i / 3.0f)).append(',');
      b.append(nulls ? "" : i % 13 == 0 ? "4.9e-324" : String.valueOf(i / 7.0)).append(',');
      b.append(nulls ? "" : "%04d-%02d-%02d".formatted(1 + i * 5, i % 12 + 1, i % 28 + 1));
      b.append(',').append(nulls ? "" : "\"s " + i + "\"").append('\n');
    }
    Path csv = Files.writeString(h.files.resolve("typed.csv"), b.toString());
    Files.writeString(
        h.files.resolve("typed.csvt"),
        "WKT,Integer(Boolean),Integer(Int16),Integer,Integer64,Real(Float32),Real,Date,String");
    Path gpkg = h.files.resolve("typed.gpkg");
    VectorFiles.ogr2ogr(
        "-f",
        "GPKG",
        gpkg.toString(),
        csv.toString(),
        "-nln",
        "typed",
        "-a_srs",
        "EPSG:4326",
        "-oo",
        "KEEP_GEOM_COLUMNS=NO");
    VectorManifest m = sameRowsBothWays(h.upload(gpkg), "typed", 1800);
    // (GDAL writes doubles with 15 significant digits, whatever the chunk format: 4 / 7.0 below)
    assertEquals(
        "boolean smallint integer bigint real double precision date text",
        m.columns().stream().map(VectorManifest.Column::pgType).collect(Collectors.joining(" ")));
    assertEquals(
        1,
        Sql.count(
            h.db.pool(),
            "SELECT count(*) FROM typed_binary WHERE flag AND small = -32764 AND count = -895999988"
                + " AND big = 1800000000000000000 AND f32 = (4 / 3.0)::real"
                + " AND r = 0.571428571428571 AND day = '0021-05-05' AND s = 's 4'"));
    long subnormals =
        java.util.stream.IntStream.range(0, 1800).filter(i -> i % 13 == 0 && i % 11 != 3).count();
    assertEquals(
        subnormals, Sql.count(h.db.pool(), "SELECT count(*) FROM typed_binary WHERE r = 4.9e-324"));
  }

  /** {@code count} points as a GeoJSON FeatureCollection, {@code properties(i)} each. */
  private static Path collection(String name, int count, IntFunction<String> properties)
      throws Exception {
    StringBuilder b = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < count; i++) {
      b.append(i > 0 ? "," : "")
          .append("{\"type\":\"Feature\",\"properties\":{")
          .append(properties.apply(i))
          .append("},\"geometry\":{\"type\":\"Point\",\"coordinates\":[")
          .append(-100 + i * 0.01)
          .append(",")
          .append(40 + i * 0.01)
          .append("]}}");
    }
    return Files.writeString(h.files.resolve(name), b.append("]}").toString());
  }

  @Test
  void timestampsAndTimesAsGdalWritesThemLoadAlike() throws Exception {
    String[] zones = {"Z", "+05:30", "-03:30", "", "+01:00"};
    Path src =
        collection(
            "times.geojson",
            1200,
            i ->
                "\"n\":"
                    + i
                    + ",\"stamp\":\"%04d-%02d-%02dT%02d:%02d:%02d%s%s\",\"clock\":\"%02d:%02d:%02d\",\"day\":\"%04d-01-%02d\""
                        .formatted(
                            1900 + i % 200,
                            i % 12 + 1,
                            i % 28 + 1,
                            i % 24,
                            i % 60,
                            (i * 7) % 60,
                            i % 3 == 0 ? ".%03d".formatted(i % 1000) : "",
                            zones[i % zones.length],
                            (i * 5) % 24,
                            i % 60,
                            (i * 11) % 60,
                            1990 + i % 40,
                            i % 28 + 1));
    VectorManifest m = sameRowsBothWays(h.upload(src), "times", 1200);
    assertEquals(
        "integer timestamp with time zone time date",
        m.columns().stream().map(VectorManifest.Column::pgType).collect(Collectors.joining(" ")));
    // feature 1: 1901-02-02T01:01:07+05:30
    assertEquals(
        "1901-02-01 19:31:07",
        Sql.row(
                h.db.pool(),
                "SELECT to_char(stamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS t"
                    + " FROM times_binary WHERE n = 1")
            .getString("t"));
  }

  @Test
  void aSourceWithListsKeepsTextChunks() throws Exception {
    Path src = collection("lists.geojson", 30, i -> "\"tags\":[\"a%d\",\"b\"]".formatted(i));
    JsonObject params = h.params(h.upload(src), new JsonObject().put("chunk_size", 15));
    VectorManifest m =
        VectorManifest.fromJson(h.run(h.splitting(2, true), params).getJsonObject("manifest"));
    assertEquals("text[]", m.columns().get(0).pgType());
    assertEquals(2, m.chunks().size());
    m.chunks().forEach(c -> assertEquals(VectorManifest.ChunkFormat.TEXT, c.format()));
  }

  @Test
  void aValuePostgresqlRefusesFailsPrepareNamingTheColumnAndLeavesNothing() throws Exception {
    // GDAL reads "0000-01-01" as a date; PostgreSQL has no year 0 (a text chunk would fail its
    // load)
    Path src =
        collection(
            "year0.geojson",
            40,
            i -> "\"d\":\"%s\"".formatted(i == 33 ? "0000-01-01" : "2024-01-02"));
    TaskFailure f =
        h.fails(
            h.splitting(2, true), h.params(h.upload(src), new JsonObject().put("chunk_size", 10)));
    assertEquals("VALUE_INVALID", f.code());
    assertEquals("column 'd' (date): \"0000/01/01\" is out of range", f.getMessage());
  }
}
