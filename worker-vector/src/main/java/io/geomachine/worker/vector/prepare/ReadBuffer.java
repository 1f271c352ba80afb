package io.geomachine.worker.vector.prepare;

import java.io.IOException;
import java.io.InputStream;

/**
 * Unsynchronised buffered reading that callers scan in place ({@link #buf} from {@link #pos} to
 * {@link #limit}): a stream's read() per byte is several times slower, and scanners copy whole runs
 * out of the buffer.
 */
final class ReadBuffer {
  private final InputStream in;
  final byte[] buf = new byte[1 << 20];
  int pos;
  int limit;

  ReadBuffer(InputStream in) {
    this.in = in;
  }

  /** Refills the buffer once it is used up; false at the end of the stream. */
  boolean fill() throws IOException {
    limit = in.read(buf, 0, buf.length);
    pos = 0;
    if (limit <= 0) {
      limit = 0;
      return false;
    }
    return true;
  }

  /** The next byte (0-255), or -1 at the end of the stream. */
  int next() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xFF;
  }
}
