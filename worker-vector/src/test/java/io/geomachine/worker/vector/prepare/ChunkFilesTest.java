package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Chunk files are written as zstd frames and read back whatever their encoding. */
class ChunkFilesTest {
  private static final byte[] TEXT =
      "0104000020E6100000010000000101000000000000000000F03F0000000000000040\tname\\tx\n"
          .repeat(5000)
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void writesZstdFramesThatReadBackAsTheText() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (OutputStream out = ChunkFiles.compress(raw)) {
      out.write(TEXT);
    }
    byte[] stored = raw.toByteArray();
    // RFC 8878 frame magic number, little-endian 0xFD2FB528
    assertArrayEquals(
        new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, java.util.Arrays.copyOf(stored, 4));
    assertEquals(true, stored.length < TEXT.length / 10, "compressed: " + stored.length);
    try (InputStream in = ChunkFiles.open(new ByteArrayInputStream(stored))) {
      assertArrayEquals(TEXT, in.readAllBytes());
    }
  }

  @Test
  void readsGzipAndPlainChunksAlike() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(TEXT);
    }
    try (InputStream in = ChunkFiles.open(new ByteArrayInputStream(gz.toByteArray()))) {
      assertArrayEquals(TEXT, in.readAllBytes());
    }
    try (InputStream in = ChunkFiles.open(new ByteArrayInputStream(TEXT))) {
      assertArrayEquals(TEXT, in.readAllBytes());
    }
    try (InputStream in = ChunkFiles.open(new ByteArrayInputStream(new byte[] {'x'}))) {
      assertArrayEquals(new byte[] {'x'}, in.readAllBytes());
    }
  }
}
