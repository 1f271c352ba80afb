package io.geomachine.core.storage;

import io.geomachine.core.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a slow source (a blob download) on a thread of its own, a few blocks ahead of the caller,
 * so fetching the next bytes overlaps with whatever the caller does with the last ones (decompress
 * and COPY a chunk). The source is either a stream to read or a writer that pushes its bytes (a
 * download that writes its response body into an OutputStream). A failure of the source is rethrown
 * to the caller, in order, after the bytes that came before it. Closing stops the reader
 * (interrupting it) and closes the source stream.
 */
public final class ReadAheadInputStream extends InputStream {
  /** A source that pushes its bytes into {@code out} and returns at their end. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final byte[] END = new byte[0];

  private final InputStream source;
  private final Writer writer;
  private final int blockSize;
  private final BlockingQueue<Object> blocks;
  private final Thread reader;

  private byte[] current = new byte[0];
  private int position;
  private boolean ended;
  private volatile boolean closed;

  /**
   * @param blockSize how many bytes the reader reads at a time
   * @param depth how many blocks may wait for the caller (memory: about depth x blockSize)
   */
  public ReadAheadInputStream(InputStream source, int blockSize, int depth, String name) {
    this(source, source::transferTo, blockSize, depth, name);
  }

  /** Bytes pushed by {@code writer}, running on the read-ahead thread. */
  public static ReadAheadInputStream writtenBy(
      Writer writer, int blockSize, int depth, String name) {
    return new ReadAheadInputStream(null, writer, blockSize, depth, name);
  }

  private ReadAheadInputStream(
      InputStream source, Writer writer, int blockSize, int depth, String name) {
    if (blockSize < 1 || depth < 1) {
      throw new IllegalArgumentException("blockSize and depth must be positive");
    }
    this.source = source;
    this.writer = writer;
    this.blockSize = blockSize;
    this.blocks = new ArrayBlockingQueue<>(depth);
    this.reader = DaemonThreads.start(name, this::writeAll);
  }

  /** Runs the writer (a stream source is transferred) into blocks of {@link #blockSize}. */
  private void writeAll() {
    BlockOutput out = new BlockOutput();
    try {
      writer.writeTo(out);
      out.flushBlock();
      blocks.put(END);
    } catch (InterruptedException | InterruptedIOException e) {
      // closed by the caller
    } catch (IOException | RuntimeException e) {
      try {
        out.flushBlock(); // the bytes before the failure come first
        blocks.put(e);
      } catch (InterruptedException | IOException closedMeanwhile) {
        // closed by the caller
      }
    }
  }

  /** Collects the writer's bytes into blocks and queues each one when full. */
  private final class BlockOutput extends BlockOutputStream {
    BlockOutput() {
      super(blockSize);
    }

    @Override
    void checkOpen() throws InterruptedIOException {
      if (closed) {
        throw new InterruptedIOException("the reader closed the stream");
      }
    }

    @Override
    byte[] newBlock() {
      return new byte[blockSize];
    }

    @Override
    void full(byte[] block, int length) throws InterruptedIOException {
      try {
        blocks.put(length == blockSize ? block : Arrays.copyOf(block, length));
      } catch (InterruptedException e) {
        throw new InterruptedIOException("the reader closed the stream");
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  /** Makes bytes available in {@link #current}; false at the end. */
  private boolean fill() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (position == current.length) {
      if (ended) {
        return false;
      }
      Object next;
      try {
        next = blocks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the next block");
      }
      if (next == END) {
        ended = true;
        return false;
      }
      if (next instanceof Exception e) {
        throw new IOException(e.getMessage(), e);
      }
      current = (byte[]) next;
      position = 0;
    }
    return true;
  }

  @Override
  public int available() {
    return current.length - position;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    reader.interrupt();
    blocks.clear(); // a reader waiting to put its block gives up on the interrupt
    if (source != null) {
      source.close();
    }
  }
}
