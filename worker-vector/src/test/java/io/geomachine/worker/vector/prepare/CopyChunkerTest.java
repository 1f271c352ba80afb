package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dump splitter on hand-written PGDUMP output: escapes, continuations, dates, nulls, sizes. */
class CopyChunkerTest {
  @TempDir Path dir;

  private static final String POINT =
      "0104000020E6100000010000000101000000000000000000F03F0000000000000040";
  private static final String EMPTY = "0104000020E610000000000000";
  private static final String POLYGON_Z = "01060000A0E610000001000000";

  private final List<String> chunks = new ArrayList<>();

  private CopyChunker.Result split(String dump, int chunkSize, boolean... dateLike)
      throws Exception {
    CopyChunker chunker =
        new CopyChunker(
            dateLike,
            chunkSize,
            dir,
            (index, file, rows) -> {
              assertEquals(chunks.size(), index);
              try (java.io.InputStream in = ChunkFiles.open(file)) {
                chunks.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              }
            });
    return chunker.split(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
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
