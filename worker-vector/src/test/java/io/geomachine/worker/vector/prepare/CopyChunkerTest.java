package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dump splitter on hand-written PGDUMP output: escapes, continuations, dates, nulls, sizes. */
class CopyChunkerTest {
  private static final String POINT =
      "0104000020E6100000010000000101000000000000000000F03F0000000000000040";
  private static final String EMPTY = "0104000020E610000000000000";
  private static final String POLYGON_Z = "01060000A0E610000001000000";

  private final List<String> chunks = new ArrayList<>();

  private CopyChunker.Result split(String dump, int chunkSize, boolean... dateLike)
      throws Exception {
    return split(
        new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)), chunkSize, dateLike);
  }

  private CopyChunker.Result split(java.io.InputStream dump, int chunkSize, boolean... dateLike)
      throws Exception {
    CopyChunker chunker =
        new CopyChunker(
            new TextRows(dateLike),
            chunkSize,
            new CopyChunker.ChunkSink() {
              private final java.io.ByteArrayOutputStream open =
                  new java.io.ByteArrayOutputStream();

              @Override
              public java.io.OutputStream open(int index) {
                assertEquals(chunks.size(), index);
                open.reset();
                return open;
              }

              @Override
              public void finished(int index, long rows) throws java.io.IOException {
                assertEquals(chunks.size(), index);
                try (java.io.InputStream in =
                    ChunkFiles.open(new ByteArrayInputStream(open.toByteArray()))) {
                  chunks.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
              }
            });
    return chunker.split(dump);
  }

  @Test
  void rewritesEscapesDropsNullsAndSplits() throws Exception {
    String dump =
        "SET standard_conforming_strings = OFF;\nBEGIN;\n"
            + "COPY \"s\".\"t\" (\"geom\", \"name\", \"day\") FROM STDIN;\n"
            + POINT
            + "\ta\\\tb\\\\c\\\nd\t2024/01/02\n"
            + "\\N\tno geometry\t\\N\n"
            + EMPTY
            + "\tempty\t\\N\n"
            + POINT
            + "\tx/y\t2024/01/03 04:05:06+00\n"
            + POINT
            + "\tlast\\\\\t\\N\n"
            + "\\.\nEND;\nCOMMIT;\n";
    CopyChunker.Result r = split(dump, 2, false, false, true);
    assertEquals(3, r.rows());
    assertEquals(2, r.droppedNullOrEmpty());
    assertEquals(2, r.chunks());
    assertEquals(
        List.of(
            POINT + "\ta\\tb\\\\c\\nd\t2024-01-02\n" + POINT + "\tx/y\t2024-01-03 04:05:06+00\n",
            POINT + "\tlast\\\\\t\\N\n"),
        chunks);
    assertEquals(List.of(4), List.copyOf(r.baseTypes()));
  }

  /** Hands out 1 to 3 bytes per read, so rows and escapes straddle every buffer refill. */
  private static java.io.InputStream trickling(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new java.io.InputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= bytes.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 1 + pos % 3), bytes.length - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  @Test
  void rowsCutAcrossReadsAndRowsWithoutDatesComeOutTheSame() throws Exception {
    String dump =
        "COPY \"s\".\"t\" (\"geom\", \"name\", \"note\") FROM STDIN;\n"
            + POINT
            + "\ta\\\tb\\\\c\\\nd\tx/y\n"
            + POINT
            + "\tplain\t\\N\n"
            + POINT
            + "\tlast\\\\\tz\n"
            + "\\.\n";
    List<String> expected =
        List.of(
            POINT + "\ta\\tb\\\\c\\nd\tx/y\n" + POINT + "\tplain\t\\N\n",
            POINT + "\tlast\\\\\tz\n");
    CopyChunker.Result whole = split(dump, 2, false, false, false);
    assertEquals(expected, chunks, "no date column: rows without escapes are copied as they are");
    chunks.clear();
    CopyChunker.Result trickled = split(trickling(dump), 2, false, false, false);
    assertEquals(expected, chunks, "the same rows when every read returns 1-3 bytes");
    assertEquals(3, whole.rows());
    assertEquals(3, trickled.rows());
  }

  @Test
  void notesZAndRefusesAColumnCountMismatch() throws Exception {
    CopyChunker.Result r =
        split("COPY \"s\".\"t\" (\"geom\") FROM STDIN;\n" + POLYGON_Z + "\n\\.\n", 10, false);
    assertEquals(List.of(6), List.copyOf(r.baseTypes()));
    assertEquals(true, r.anyZ());
    assertEquals(false, r.anyM());
    assertThrows(
        IllegalStateException.class,
        () -> split("COPY \"s\".\"t\" (\"geom\", \"a\") FROM STDIN;\n\\.\n", 10, false));
  }
}
