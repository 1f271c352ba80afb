package io.geomachine.worker.vector.prepare;

/**
 * Counts the records of a file {@link SourceSplit} cuts into parts, buffer by buffer, a part at a
 * time. The scans are small methods of their own, which the JIT compiles once and keeps across
 * jobs. As one loop inside the method that reads the file (which runs once per job), cutting 148 MB
 * of GeoJSONSeq took 474-601 ms in the worker and 225-400 ms in a fresh JVM; with these, 90-115 ms
 * in a fresh JVM (docs/benchmarks-vector.md section 12).
 */
final class RecordCount {
  private final long perPart;
  private long left;
  private boolean quoted;

  RecordCount(long perPart) {
    this.perPart = perPart;
    this.left = perPart;
  }

  /**
   * The index after the record end in {@code buf[from, n)} that completes the current part (the
   * next part's count starts there), or -1 when the part goes on past {@code n}.
   */
  int partEnd(byte[] buf, int from, int n, boolean csv) {
    int end = csv ? csvLineEnd(buf, from, n) : lineEnd(buf, from, n, left);
    if (end < 0) {
      return -1;
    }
    left = perPart;
    return end;
  }

  /** Lines: the end of the {@code left}-th line from {@code from}, else -1 (counting them). */
  private int lineEnd(byte[] buf, int from, int n, long wanted) {
    long remaining = wanted;
    for (int i = from; i < n; i++) {
      if (buf[i] == '\n' && --remaining == 0) {
        return i + 1;
      }
    }
    left = remaining;
    return -1;
  }

  /** CSV records: lines outside quotes. */
  private int csvLineEnd(byte[] buf, int from, int n) {
    long remaining = left;
    boolean inQuotes = quoted;
    for (int i = from; i < n; i++) {
      byte c = buf[i];
      if (c == '"') {
        inQuotes = !inQuotes;
      } else if (c == '\n' && !inQuotes && --remaining == 0) {
        quoted = false;
        return i + 1;
      }
    }
    left = remaining;
    quoted = inQuotes;
    return -1;
  }
}
