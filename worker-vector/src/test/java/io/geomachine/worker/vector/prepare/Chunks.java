package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestServices;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads chunk files back: COPY TEXT rows into maps of column name to value (null for \N). */
final class Chunks {
  private Chunks() {}

  static List<Map<String, String>> rows(BlobStore store, String container, VectorManifest m) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (VectorManifest.Chunk c : m.chunks()) {
      String text = new String(bytes(store, container, c.blob()), StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      if (!lines[lines.length - 1].isEmpty()) {
        throw new AssertionError("a chunk ends with a newline");
      }
      if (lines.length - 1 != c.rows()) {
        throw new AssertionError("chunk " + c.index() + " has " + (lines.length - 1) + " rows");
      }
      for (int l = 0; l < lines.length - 1; l++) {
        String[] fields = lines[l].split("\t", -1);
        if (fields.length != m.columns().size() + 1) {
          throw new AssertionError("row with " + fields.length + " fields: " + lines[l]);
        }
        Map<String, String> row = new LinkedHashMap<>();
        row.put(m.geometryColumn(), fields[0]);
        for (int i = 0; i < m.columns().size(); i++) {
          row.put(m.columns().get(i).name(), unescape(fields[i + 1]));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** A chunk's COPY text: the blob, which must be a zstd frame, decompressed. */
  static byte[] bytes(BlobStore store, String container, String blob) {
    byte[] packed = store.downloadBytes(container, blob);
    if (packed.length < 4
        || (packed[0] & 0xff) != 0x28
        || (packed[1] & 0xff) != 0xb5
        || (packed[2] & 0xff) != 0x2f
        || (packed[3] & 0xff) != 0xfd) {
      throw new AssertionError(blob + " is not zstd-compressed");
    }
    try (java.io.InputStream in =
        new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(packed))) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Loads every chunk of {@code m} into {@code table} (geometry then the manifest's columns) with
   * psql's {@code \\copy}, in the chunk's own format: PostgreSQL's COPY reads the chunks as they
   * are, nothing of the platform in between.
   */
  static void copyInto(PrepareHarness h, String database, String table, VectorManifest m)
      throws Exception {
    List<String> columns = new ArrayList<>();
    columns.add(m.geometryColumn());
    m.columns().forEach(c -> columns.add(c.name()));
    String list = String.join(", ", columns);
    for (VectorManifest.Chunk c : m.chunks()) {
      Path file = h.files.resolve(table + "_" + c.index() + ".copy");
      Files.write(file, bytes(h.store, PrepareHarness.TEMP, c.blob()));
      psqlCopy(database, table, list, file, c.format() == VectorManifest.ChunkFormat.BINARY);
    }
  }

  /** psql's {@code \\copy table (columns) FROM file}, binary or text; throws when it fails. */
  static void psqlCopy(String database, String table, String columns, Path file, boolean binary)
      throws Exception {
    ProcessRunner.Result r =
        ProcessRunner.run(
            List.of(
                "psql",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                TestServices.pgHost(),
                "-p",
                String.valueOf(TestServices.pgPort()),
                "-U",
                TestServices.pgUser(),
                "-d",
                database,
                "-c",
                "SET TIME ZONE 'UTC'",
                "-c",
                "\\copy "
                    + table
                    + " ("
                    + columns
                    + ") FROM '"
                    + file
                    + "'"
                    + (binary ? " (FORMAT binary)" : "")),
            Map.of("PGPASSWORD", TestServices.pgPassword()),
            Duration.ofMinutes(1),
            null);
    if (!r.ok()) {
      throw new AssertionError(file.getFileName() + ": " + r.describeFailure());
    }
  }

  /**
   * Asserts that tables {@code a} and {@code b} hold the same rows, duplicates counted: the
   * geometry (as EWKB, SRID and dimensions included) and {@code columns}, compared by PostgreSQL.
   */
  static void assertSameRows(Pool pool, String a, String b, List<VectorManifest.Column> columns) {
    String all =
        "ST_AsEWKB(geom), "
            + columns.stream().map(VectorManifest.Column::name).collect(Collectors.joining(", "));
    for (String[] pair : new String[][] {{a, b}, {b, a}}) {
      long extra =
          Sql.count(
              pool,
              "SELECT count(*) FROM (SELECT "
                  + all
                  + " FROM "
                  + pair[0]
                  + " EXCEPT ALL SELECT "
                  + all
                  + " FROM "
                  + pair[1]
                  + ") d");
      if (extra != 0) {
        throw new AssertionError(pair[0] + " has " + extra + " rows " + pair[1] + " has not");
      }
    }
  }

  static String unescape(String field) {
    if (field.equals("\\N")) {
      return null;
    }
    StringBuilder b = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\') {
        char n = field.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The first point's coordinates of a hex EWKB MULTIPOINT (with SRID). */
  static double[] firstPoint(String hexEwkb) {
    ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(hexEwkb));
    b.order(b.get() == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int type = b.getInt();
    if ((type & 0x20000000) != 0) {
      b.getInt();
    }
    b.getInt(); // member count
    b.order(b.get() == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int pointType = b.getInt();
    int iso = (pointType & 0x0FFFFFFF) / 1000;
    boolean z = (pointType & 0x80000000) != 0 || iso == 1 || iso == 3;
    boolean m = (pointType & 0x40000000) != 0 || iso == 2 || iso == 3;
    int dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
    double[] xy = new double[dims];
    for (int i = 0; i < dims; i++) {
      xy[i] = b.getDouble();
    }
    return xy;
  }

  /** The SRID of a hex EWKB geometry (0 when none). */
  static int srid(String hexEwkb) {
    ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(hexEwkb));
    b.order(b.get() == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int type = b.getInt();
    return (type & 0x20000000) != 0 ? b.getInt() : 0;
  }
}
