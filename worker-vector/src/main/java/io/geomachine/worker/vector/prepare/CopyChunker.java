package io.geomachine.worker.vector.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Splits the COPY data of an {@code ogr2ogr -f PGDUMP} dump into zstd-compressed chunk files of at
 * most {@code chunkSize} rows, in one streaming pass, each row written by the job's {@link
 * RowEncoding} (COPY BINARY tuples, or canonical COPY text). On the way it drops rows whose
 * geometry is NULL or empty, and notes every geometry type and dimension it sees (from the EWKB
 * header: PostGIS flags, or ISO codes such as 3004 for MULTIPOINT ZM, which GDAL writes when M is
 * kept).
 */
public final class CopyChunker {
  /**
   * Where chunks go: {@link #open} when a chunk's first row is cut, the stream closed when its last
   * one is written, then {@link #finished}. A stream left open means the pass failed: the chunk is
   * incomplete and must not be published.
   */
  public interface ChunkSink {
    /** Where chunk {@code index}'s compressed bytes go. */
    OutputStream open(int index) throws Exception;

    /** Chunk {@code index} is complete (its stream closed) with {@code rows} rows. */
    void finished(int index, long rows) throws Exception;
  }

  /** EWKB type flags (PostGIS extended WKB). */
  static final int EWKB_Z = 0x80000000;

  static final int EWKB_M = 0x40000000;
  static final int EWKB_SRID = 0x20000000;

  /** What the pass saw. */
  public record Result(
      long rows,
      long droppedNullOrEmpty,
      int chunks,
      TreeSet<Integer> baseTypes,
      boolean anyZ,
      boolean anyM) {}

  private final RowEncoding encoding;
  private final int chunkSize;
  private final ChunkSink sink;

  public CopyChunker(RowEncoding encoding, int chunkSize, ChunkSink sink) {
    this.encoding = encoding.forOneChunker();
    this.chunkSize = chunkSize;
    this.sink = sink;
  }

  public Result split(Path dump) throws Exception {
    try (InputStream in = Files.newInputStream(dump)) {
      return split(in);
    }
  }

  public Result split(InputStream stream) throws Exception {
    ReadBuffer in = new ReadBuffer(stream);
    Record rec = new Record();
    long rows = 0;
    long dropped = 0;
    TreeSet<Integer> types = new TreeSet<>();
    boolean anyZ = false;
    boolean anyM = false;
    int chunk = 0;
    long inChunk = 0;
    Output out = null;
    boolean inData = false;
    while (rec.read(in, inData)) {
      if (!inData) {
        if (rec.startsWith("COPY ")) {
          int found = countColumns(rec.text());
          if (found != encoding.columns()) {
            throw new IllegalStateException(
                "ogr2ogr wrote "
                    + found
                    + " columns, expected "
                    + encoding.columns()
                    + ": "
                    + rec.text());
          }
          inData = true;
        }
        continue;
      }
      if (rec.length == 2 && rec.bytes[0] == '\\' && rec.bytes[1] == '.') {
        inData = false;
        continue;
      }
      int header = geometryHeader(rec);
      if (header == 0) {
        dropped++;
        continue;
      }
      int code = header & 0x0FFFFFFF;
      types.add(code % 1000);
      anyZ |= (header & EWKB_Z) != 0 || code / 1000 == 1 || code / 1000 == 3;
      anyM |= (header & EWKB_M) != 0 || code / 1000 == 2 || code / 1000 == 3;
      if (out == null) {
        // compressed and stored as it is written, so the last chunk is stored when ogr2ogr ends
        out = new Output(ChunkFiles.compress(sink.open(chunk)));
        encoding.begin(out);
      }
      encoding.write(rec, out);
      rows++;
      if (++inChunk == chunkSize) {
        encoding.end(out);
        out.close();
        out = null;
        sink.finished(chunk++, inChunk);
        inChunk = 0;
      }
    }
    if (out != null) {
      encoding.end(out);
      out.close();
      sink.finished(chunk++, inChunk);
    }
    return new Result(rows, dropped, chunk, types, anyZ, anyM);
  }

  /**
   * The EWKB type word of the row's geometry, or 0 when it is NULL or an empty collection (no
   * members).
   */
  static int geometryHeader(Record rec) {
    byte[] b = rec.bytes;
    if (rec.length < 10 || b[0] == '\\' || b[0] == '\t') {
      return 0;
    }
    boolean little = b[1] == '1';
    int type = word(b, 2, little);
    int base = (type & 0x0FFFFFFF) % 1000; // GDAL writes ISO codes (3004) when M is kept
    if (base >= 4 && base <= 7) {
      int at = (type & EWKB_SRID) != 0 ? 18 : 10;
      if (rec.length >= at + 8 && word(b, at, little) == 0) {
        return 0;
      }
    }
    return type == 0 ? 0 : type;
  }

  private static int word(byte[] hex, int at, boolean little) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int pos = little ? at + 2 * (3 - i) : at + 2 * i;
      v = (v << 8) | (Character.digit(hex[pos], 16) << 4) | Character.digit(hex[pos + 1], 16);
    }
    return v;
  }

  /** Columns in {@code COPY "s"."t" ("a", "b") FROM STDIN;}. */
  static int countColumns(String copyLine) {
    int open = copyLine.indexOf('(');
    int close = copyLine.lastIndexOf(')');
    if (open < 0 || close < open) {
      return 0;
    }
    String list = copyLine.substring(open + 1, close);
    int n = 1;
    for (int i = list.indexOf("\", \""); i >= 0; i = list.indexOf("\", \"", i + 1)) {
      n++;
    }
    return n;
  }

  /** Unsynchronised buffered writing to a chunk file. */
  static final class Output implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 20];
    private int n;

    Output(OutputStream out) {
      this.out = out;
    }

    void write(int b) throws IOException {
      if (n == buf.length) {
        out.write(buf, 0, n);
        n = 0;
      }
      buf[n++] = (byte) b;
    }

    void write(byte[] from, int off, int len) throws IOException {
      if (n + len > buf.length) {
        out.write(buf, 0, n);
        n = 0;
        if (len > buf.length) {
          out.write(from, off, len);
          return;
        }
      }
      System.arraycopy(from, off, buf, n, len);
      n += len;
    }

    @Override
    public void close() throws IOException {
      try (out) {
        out.write(buf, 0, n);
        n = 0;
      }
    }
  }

  /**
   * One logical line of the dump: in the data section a newline after an unpaired backslash is part
   * of the row (GDAL escapes a newline in a value as backslash + newline).
   */
  static final class Record {
    byte[] bytes = new byte[1 << 12];
    int length;

    /** Whether the line holds a backslash (an escape to rewrite), noted while reading it. */
    boolean hasBackslash;

    boolean read(ReadBuffer in, boolean data) throws IOException {
      length = 0;
      hasBackslash = false;
      boolean escaped = false;
      // scans the input's buffer in place and copies whole runs (a call per byte was the hot spot)
      while (in.pos < in.limit || in.fill()) {
        byte[] buf = in.buf;
        int start = in.pos;
        int limit = in.limit;
        for (int p = start; p < limit; p++) {
          byte c = buf[p];
          if (c == '\n' && !(data && escaped)) {
            append(buf, start, p - start);
            in.pos = p + 1;
            return true;
          }
          boolean backslash = c == '\\';
          hasBackslash |= backslash;
          escaped = data && backslash && !escaped;
        }
        append(buf, start, limit - start);
        in.pos = limit;
      }
      return length > 0;
    }

    private void append(byte[] from, int off, int len) {
      if (length + len > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
      }
      System.arraycopy(from, off, bytes, length, len);
      length += len;
    }

    boolean startsWith(String prefix) {
      byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
      if (length < p.length) {
        return false;
      }
      for (int i = 0; i < p.length; i++) {
        if (bytes[i] != p[i]) {
          return false;
        }
      }
      return true;
    }

    String text() {
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
  }
}
