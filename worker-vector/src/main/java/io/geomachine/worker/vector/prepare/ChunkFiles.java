package io.geomachine.worker.vector.prepare;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/**
 * Chunk files travel zstd-compressed at level 1. COPY text with hex EWKB shrinks 3.7 times, so blob
 * storage moves and stores about a quarter of the bytes, and compressing costs a quarter of the CPU
 * of gzip's fastest level, which is also 20 % bigger (200k polygons, 171 MB of COPY text: zstd 0.40
 * CPU-s to 47 MB, gzip 1.7 CPU-s to 58 MB; docs/benchmarks-vector.md). Readers accept zstd, gzip
 * (chunks written before zstd, still in flight during an upgrade) and plain chunks, told apart by
 * their magic numbers.
 */
public final class ChunkFiles {
  public static final String CONTENT_TYPE = "application/zstd";

  private static final int LEVEL = 1;
  private static final int BUFFER = 1 << 16;

  private ChunkFiles() {}

  /**
   * {@code out} behind a zstd compressor (level 1); closing it closes {@code out}. Unbuffered: the
   * chunker writes in 1 MiB blocks.
   */
  static OutputStream compress(OutputStream out) throws IOException {
    return new ZstdOutputStreamNoFinalizer(out, LEVEL);
  }

  /**
   * The chunk's COPY data (binary or text), decompressed when it is zstd- or gzip-compressed;
   * closing closes {@code raw}.
   */
  public static InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (isZstd(magic)) {
      return new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
    }
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(in, BUFFER);
    }
    return in;
  }

  /** A zstd frame starts with 28 B5 2F FD (RFC 8878, section 3.1.1). */
  private static boolean isZstd(byte[] magic) {
    return magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd;
  }
}
