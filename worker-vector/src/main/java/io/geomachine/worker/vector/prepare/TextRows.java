package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest.ChunkFormat;
import java.io.IOException;

/**
 * Rows as canonical COPY text: GDAL's escapes (a backslash before a literal tab, newline or
 * carriage return) become {@code \t}, {@code \n}, {@code \r}, so a line is a row, and dates are
 * written ISO-style ({@code 2024/01/31} becomes {@code 2024-01-31}).
 */
final class TextRows implements RowEncoding {
  private final boolean[] dateLike;
  private final boolean anyDateLike;

  /**
   * @param dateLike per COPY column (index 0 is the geometry): whether its values are dates or
   *     timestamps
   */
  TextRows(boolean[] dateLike) {
    this.dateLike = dateLike.clone();
    boolean any = false;
    for (boolean d : dateLike) {
      any |= d;
    }
    this.anyDateLike = any;
  }

  @Override
  public ChunkFormat format() {
    return ChunkFormat.TEXT;
  }

  @Override
  public int columns() {
    return dateLike.length;
  }

  @Override
  public RowEncoding forOneChunker() {
    return this; // no state
  }

  @Override
  public void begin(CopyChunker.Output out) {
    // COPY text has no header
  }

  @Override
  public void end(CopyChunker.Output out) {
    // nor a trailer
  }

  @Override
  public void write(CopyChunker.Record rec, CopyChunker.Output out) throws IOException {
    byte[] b = rec.bytes;
    if (!anyDateLike && !rec.hasBackslash) {
      out.write(b, 0, rec.length); // nothing to rewrite: the row as GDAL wrote it
      out.write('\n');
      return;
    }
    int field = 0;
    for (int i = 0; i < rec.length; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < rec.length) {
        byte next = b[++i];
        out.write('\\');
        out.write(next == '\t' ? 't' : next == '\n' ? 'n' : next == '\r' ? 'r' : next);
      } else if (c == '\t') {
        field++;
        out.write(c);
      } else if (c == '/' && field < dateLike.length && dateLike[field]) {
        out.write('-');
      } else {
        out.write(c);
      }
    }
    out.write('\n');
  }
}
