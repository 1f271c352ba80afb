package io.geomachine.core.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Collects the bytes written into blocks of a fixed size and hands each one on when it is full
 * ({@link #full}); what the stream does with a block (queue it for a reader, upload it) is its
 * subclass's. The last, partial block is handed on by {@link #flushBlock}. One writer.
 */
abstract class BlockOutputStream extends OutputStream {
  private final int blockSize;
  private byte[] block;
  private int filled;

  BlockOutputStream(int blockSize) {
    this.blockSize = blockSize;
  }

  /** Throws when the stream takes no more bytes (closed, or failed). */
  abstract void checkOpen() throws IOException;

  /** A buffer of the block size for the next block. */
  abstract byte[] newBlock();

  /** Takes a block: its first {@code length} bytes are the data; the stream no longer uses it. */
  abstract void full(byte[] block, int length) throws IOException;

  @Override
  public final void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public final void write(byte[] from, int off, int len) throws IOException {
    checkOpen();
    while (len > 0) {
      if (block == null) {
        block = newBlock();
      }
      int n = Math.min(len, blockSize - filled);
      System.arraycopy(from, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == blockSize) {
        flushBlock();
      }
    }
  }

  /** Hands on the block being filled, if it holds any byte. */
  final void flushBlock() throws IOException {
    if (filled > 0) {
      byte[] done = block;
      int length = filled;
      block = null;
      filled = 0;
      full(done, length);
    }
  }

  /** A copy of the bytes written since the last block was handed on. */
  final byte[] pending() {
    return block == null ? new byte[0] : Arrays.copyOf(block, filled);
  }
}
