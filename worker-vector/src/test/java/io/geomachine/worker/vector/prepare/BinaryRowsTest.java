package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A binary chunk holds the rows PostgreSQL reads from the same dump as a text chunk: the same dump
 * is cut both ways, both are loaded by PostgreSQL's own COPY (psql), and the tables are compared
 * value for value. Values PostgreSQL refuses in text are refused by the encoder too.
 */
class BinaryRowsTest {
  private static final String DB = "geomachine_test_vector_binary_rows";
  private static TestDatabase db;
  private static Path dir;

  /** Every type the binary encoder writes, in COPY order after the geometry. */
  private static final List<VectorManifest.Column> COLUMNS =
      List.of(
          new VectorManifest.Column("s", "s", "text"),
          new VectorManifest.Column("flag", "flag", "boolean"),
          new VectorManifest.Column("small", "small", "smallint"),
          new VectorManifest.Column("count", "count", "integer"),
          new VectorManifest.Column("big", "big", "bigint"),
          new VectorManifest.Column("f32", "f32", "real"),
          new VectorManifest.Column("f64", "f64", "double precision"),
          new VectorManifest.Column("day", "day", "date"),
          new VectorManifest.Column("stamp", "stamp", "timestamp with time zone"),
          new VectorManifest.Column("clock", "clock", "time"));

  private static final String POINT =
      "0104000020E6100000010000000101000000000000000000F03F0000000000000040";

  /** MULTIPOLYGON ZM (((0 0 1 2, 1 0 3 4, 0 1 5 6, 0 0 1 2))), as PostGIS writes it. */
  private static final String POLYGON_ZM =
      "01060000E0E61000000100000001030000C001000000040000000000000000000000000000000000"
          + "0000000000000000F03F0000000000000040000000000000F03F0000000000000000000000000000"
          + "084000000000000010400000000000000000000000000000F03F0000000000001440000000000000"
          + "184000000000000000000000000000000000000000000000F03F0000000000000040";

  @BeforeAll
  static void setUp() throws Exception {
    db = TestDatabase.recreate(DB);
    dir = Files.createTempDirectory("binary-rows");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** A PGDUMP-like dump of {@code rows} (tab-separated fields, GDAL's escapes). */
  private static String dump(List<String> rows) {
    String header =
        COLUMNS.stream().map(c -> "\"" + c.name() + "\"").collect(Collectors.joining(", "));
    return "SET standard_conforming_strings = OFF;\nBEGIN;\nCOPY \"prepare\".\"chunk\" (\"geom\", "
        + header
        + ") FROM STDIN;\n"
        + String.join("\n", rows)
        + "\n\\.\nEND;\n";
  }

  private static String row(String geometry, String... values) {
    return geometry + "\t" + String.join("\t", values);
  }

  /** The dump cut into chunks of {@code chunkSize} by {@code encoding}, decompressed. */
  private static List<byte[]> cut(RowEncoding encoding, String dump, int chunkSize)
      throws Exception {
    List<byte[]> chunks = new ArrayList<>();
    ByteArrayOutputStream open = new ByteArrayOutputStream();
    new CopyChunker(
            encoding,
            chunkSize,
            new CopyChunker.ChunkSink() {
              @Override
              public OutputStream open(int index) {
                open.reset();
                return open;
              }

              @Override
              public void finished(int index, long rows) throws Exception {
                try (InputStream in =
                    ChunkFiles.open(new ByteArrayInputStream(open.toByteArray()))) {
                  chunks.add(in.readAllBytes());
                }
              }
            })
        .split(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
    return chunks;
  }

  private static void table(String name) {
    Sql.update(db.pool(), "DROP TABLE IF EXISTS " + name);
    Sql.update(
        db.pool(),
        "CREATE TABLE "
            + name
            + " (geom geometry, "
            + COLUMNS.stream()
                .map(c -> c.name() + " " + c.pgType())
                .collect(Collectors.joining(", "))
            + ")");
  }

  /** Loads the chunks into a new table {@code name}. */
  private static void load(String name, List<byte[]> chunks, boolean binary) throws Exception {
    table(name);
    String columns =
        "geom, "
            + COLUMNS.stream().map(VectorManifest.Column::name).collect(Collectors.joining(", "));
    for (int i = 0; i < chunks.size(); i++) {
      Path file = Files.write(dir.resolve(name + "_" + i), chunks.get(i));
      Chunks.psqlCopy(DB, name, columns, file, binary);
    }
  }

  private static RowEncoding binary() {
    RowEncoding e = RowEncoding.forColumns(COLUMNS, true);
    assertEquals(VectorManifest.ChunkFormat.BINARY, e.format());
    return e;
  }

  private static RowEncoding text() {
    RowEncoding e = RowEncoding.forColumns(COLUMNS, false);
    assertEquals(VectorManifest.ChunkFormat.TEXT, e.format());
    return e;
  }

  @Test
  void binaryChunksLoadTheRowsTextChunksLoad() throws Exception {
    List<String> rows = new ArrayList<>();
    // GDAL's escapes (a backslash before the character itself) and PostgreSQL's own ones
    rows.add(
        row(
            POINT,
            "tab\\\there",
            "1",
            "-32768",
            "-2147483648",
            "-9223372036854775808",
            "3.4028235e+38",
            "1.7976931348623157e+308",
            "2024/01/31",
            "2024/02/03 04:05:06",
            "04:05:06"));
    rows.add(
        row(
            POINT,
            "line\\\nbreak \\\\ back\\\rslash",
            "0",
            "32767",
            "2147483647",
            "9223372036854775807",
            "1.1754944e-38",
            "4.9e-324",
            "0001/01/01",
            "2024/02/03 04:05:06.789+00",
            "23:59:59.999"));
    rows.add(row(POINT, "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N"));
    rows.add(
        row(
            POINT,
            "",
            "t",
            "+0",
            "-0",
            "0",
            "-0.0",
            "-0.0",
            "9999/12/31",
            "2024/02/03 04:05:06+0530",
            "24:00:00"));
    rows.add(
        row(
            POINT,
            "octal \\101\\0601 hex \\x41\\x4a2 \\t\\n\\b\\f\\v\\r letters",
            "true",
            "7",
            "42",
            "10000000000",
            "NaN",
            "nan",
            "2024/02/29",
            "1999/12/31 23:59:60",
            "00:00:00"));
    rows.add(
        row(
            POINT,
            "ünïcødé 😀 'q' \"dq\" \\\\N",
            "FALSE",
            "-7",
            "-42",
            "-10000000000",
            "Infinity",
            "-inf",
            "2000-01-01",
            "0001/01/01 00:00:00-0330",
            "12:30"));
    rows.add(
        row(
            POLYGON_ZM,
            "\\\\",
            "yes",
            "1",
            "1",
            "1",
            "-Infinity",
            "+inf",
            "1999/12/31",
            "9999/12/31 23:59:59.5+15",
            "12:00:00.123456"));
    rows.add(
        row(
            POINT,
            "\\\\\\\\",
            "no",
            "2",
            "2",
            "2",
            "1e-40",
            "0.1",
            "1970/01/01",
            "2024/01/01 24:00:00",
            "01:02:03.5"));
    rows.add(
        row(
            POINT,
            "x",
            "on",
            "3",
            "3",
            "3",
            "0.30000001",
            "0.30000000000000004",
            "2000/02/29",
            "2000/01/01 00:00:00Z",
            "23:59:60"));
    rows.add(
        row(
            POINT,
            "y",
            "off",
            "4",
            "4",
            "4",
            "1E+3",
            "-1.5E-3",
            "1900/03/01",
            "2024/06/30 12:00:00-02:30",
            "13:14:15.1"));
    rows.add(
        row(POINT, "z", "y", "5", "5", "5", ".5", "5.", "2400/12/31", "1970/01/01", "09:08:07"));
    rows.add(
        row(
            POINT,
            "w",
            "n",
            "6",
            "6",
            "6",
            "123456789",
            "1e308",
            "0100/01/01",
            "2024/02/29T10:11:12.001",
            "10:11:12.001"));
    String dump = dump(rows);

    List<byte[]> textChunks = cut(text(), dump, 5);
    List<byte[]> binaryChunks = cut(binary(), dump, 5);
    assertEquals(3, binaryChunks.size());
    byte[] first = binaryChunks.get(0);
    assertEquals("PGCOPY\n", new String(first, 0, 7, StandardCharsets.ISO_8859_1));
    assertEquals((byte) 0xff, first[first.length - 1]);

    load("from_text", textChunks, false);
    load("from_binary", binaryChunks, true);
    assertEquals(rows.size(), Sql.count(db.pool(), "SELECT count(*) FROM from_binary"));
    Chunks.assertSameRows(db.pool(), "from_text", "from_binary", COLUMNS);
    // and the values are the ones meant, not the same mistake twice
    assertEquals(
        "2024-02-02 22:35:06",
        Sql.row(
                db.pool(),
                "SELECT to_char(stamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS t"
                    + " FROM from_binary WHERE count = 0 AND small = 0")
            .getString("t"));
    assertEquals(
        "octal A01 hex AJ2 \t\n\b\f\u000b\r letters",
        Sql.row(db.pool(), "SELECT s FROM from_binary WHERE count = 42").getString("s"));
    assertEquals(
        "line\nbreak \\ back\rslash",
        Sql.row(db.pool(), "SELECT s FROM from_binary WHERE count = 2147483647").getString("s"));
    assertEquals(
        "2024-02-29",
        Sql.row(db.pool(), "SELECT day::text AS d FROM from_binary WHERE count = 42")
            .getString("d"));
    assertEquals(
        "MULTIPOLYGON ZM",
        Sql.row(
                db.pool(),
                "SELECT GeometryType(geom) || ' ' || CASE ST_NDims(geom) WHEN 4 THEN 'ZM' END AS t"
                    + " FROM from_binary WHERE s = '\\'")
            .getString("t"));
  }

  @Test
  void refusesWhatPostgresqlRefusesNamingTheColumn() throws Exception {
    String ok = "1";
    String[][] bad = {
      // column index (1-based after the geometry), value, the encoder's reason
      {"2", "maybe", "is not a boolean"},
      {"3", "32768", "is out of range"},
      {"4", "1.5", "is not an integer"},
      {"4", "2147483648", "is out of range"},
      {"5", "9223372036854775808", "is out of range"},
      {"6", "1e+39", "is out of range"},
      {"6", "1e-50", "is out of range"},
      {"7", "1e400", "is out of range"},
      {"7", "1.0d", "is not a number"},
      {"8", "2023/02/29", "is out of range"},
      {"8", "2024/13/01", "is out of range"},
      {"8", "0000/01/01", "is out of range"},
      {"8", "2024-01-01x", "is not a date"},
      {"9", "2024/02/03 25:00:00", "is out of range"},
      {"9", "2024/02/03 04:05:06+16", "is out of range"},
      {"9", "2024/02/30 04:05:06", "is out of range"},
      {"9", "2024/02/03x", "is not a timestamp"},
      {"10", "12:60:00", "is out of range"},
      {"10", "24:00:01", "is out of range"},
      {"10", "noon", "is not a time"},
    };
    for (int k = 0; k < bad.length; k++) {
      String[] values = {"s", ok, ok, ok, ok, ok, ok, "2024/01/01", "2024/01/01 00:00", "00:00"};
      int column = Integer.parseInt(bad[k][0]);
      values[column - 1] = bad[k][1];
      String dump = dump(List.of(row(POINT, values)));
      TaskFailure f = assertThrows(TaskFailure.class, () -> cut(binary(), dump, 10), bad[k][1]);
      assertEquals("VALUE_INVALID", f.code());
      VectorManifest.Column c = COLUMNS.get(column - 1);
      assertTrue(
          f.getMessage().startsWith("column '" + c.name() + "' (" + c.pgType() + "): \""),
          f.getMessage());
      assertTrue(f.getMessage().endsWith(bad[k][2]), f.getMessage());
      // PostgreSQL refuses the same value in the text chunk
      List<byte[]> textChunks = cut(text(), dump, 10);
      String name = "refused_" + k;
      assertThrows(AssertionError.class, () -> load(name, textChunks, false), bad[k][1]);
    }
  }

  @Test
  void typesWithoutABinaryEncodingKeepTheJobInText() {
    for (String type :
        List.of("bytea", "integer[]", "text[]", "timestamp with time zone[]", "numeric")) {
      List<VectorManifest.Column> columns = new ArrayList<>(COLUMNS);
      columns.add(new VectorManifest.Column("other", "other", type));
      assertEquals(
          VectorManifest.ChunkFormat.TEXT, RowEncoding.forColumns(columns, true).format(), type);
    }
  }
}
