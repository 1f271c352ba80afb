package io.geomachine.worker.vector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

/**
 * Streams a chunk file (PostgreSQL COPY text: one row per line) into a COPY, appending the same
 * tab-separated constant values to every row, without parsing the rows: the chunk's own escaping
 * keeps embedded newlines as {@code \n}, so a physical line is a row (no {@code \.} end marker, no
 * header). Works on blocks of bytes (no per-row objects), so the copy runs at disk speed.
 */
final class CopyRows {
  /** Where the rows go (the driver's CopyIn). */
  interface Sink {
    void write(byte[] buf, int off, int len) throws IOException, SQLException;
  }

  private static final int BLOCK = 1 << 20;

  private final byte[] suffix;

  /** {@code constants}: the values appended to every row (null is {@code \N}). */
  CopyRows(List<String> constants) {
    StringBuilder s = new StringBuilder();
    for (String v : constants) {
      s.append('\t').append(escape(v));
    }
    s.append('\n');
    this.suffix = s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A value in COPY text format. */
  static String escape(String v) {
    if (v == null) {
      return "\\N";
    }
    StringBuilder out = new StringBuilder(v.length() + 8);
    for (char c : v.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Copies every row of {@code in} to {@code sink} with the constants appended; the number of rows.
   * Stops with an InterruptedException when the thread is interrupted (the job was cancelled).
   */
  long copy(InputStream in, Sink sink) throws IOException, SQLException, InterruptedException {
    byte[] buf = new byte[BLOCK];
    byte[] out = new byte[BLOCK + suffix.length];
    int outLen = 0;
    long rows = 0;
    boolean lineHasData = false;
    int n;
    while ((n = in.read(buf)) > 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException("chunk load cancelled");
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          lineHasData = true;
          continue;
        }
        // A whole line (or its end): its bytes, then the constants (which end with the newline).
        int len = i - start;
        if (outLen + len + suffix.length > out.length) {
          sink.write(out, 0, outLen);
          outLen = 0;
        }
        System.arraycopy(buf, start, out, outLen, len);
        outLen += len;
        if (lineHasData) {
          System.arraycopy(suffix, 0, out, outLen, suffix.length);
          outLen += suffix.length;
          rows++;
        }
        lineHasData = false;
        start = i + 1;
      }
      // The start of a line that continues in the next block.
      int rest = n - start;
      if (outLen + rest > out.length) {
        sink.write(out, 0, outLen);
        outLen = 0;
      }
      System.arraycopy(buf, start, out, outLen, rest);
      outLen += rest;
    }
    if (lineHasData) {
      if (outLen + suffix.length > out.length) {
        sink.write(out, 0, outLen);
        outLen = 0;
      }
      System.arraycopy(suffix, 0, out, outLen, suffix.length);
      outLen += suffix.length;
      rows++;
    }
    if (outLen > 0) {
      sink.write(out, 0, outLen);
    }
    return rows;
  }
}
