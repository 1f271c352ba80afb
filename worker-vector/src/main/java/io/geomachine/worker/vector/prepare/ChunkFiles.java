package io.geomachine.worker.vector.prepare;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Chunk files travel gzip-compressed (fastest level): COPY text with hex EWKB shrinks about five
 * times, so blob storage moves and stores a fifth of the bytes for little CPU. Readers accept plain
 * and compressed chunks alike (by the gzip magic number).
 */
public final class ChunkFiles {
  public static final String CONTENT_TYPE = "application/gzip";

  private static final int BUFFER = 1 << 16;

  private ChunkFiles() {}

  /** {@code out} behind a gzip compressor (fastest level). */
  static OutputStream gzip(OutputStream out) throws IOException {
    return new FastGzip(out);
  }

  /** The chunk's COPY text, decompressed when it is gzip-compressed. */
  public static InputStream open(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      return new GZIPInputStream(in, BUFFER);
    }
    return in;
  }

  /** gzip at the fastest level. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, BUFFER);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
