package io.geomachine.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The read-ahead stream hands over the source's bytes in order, then its failure, then stops. */
class ReadAheadInputStreamTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void deliversEveryByteInOrderWhateverTheBlockAndReadSizes() throws IOException {
    byte[] data = bytes(100_003);
    for (int block : new int[] {1, 7, 4096, 200_000}) {
      try (InputStream in =
          new ReadAheadInputStream(new ByteArrayInputStream(data), block, 2, "test")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[333];
        int n;
        while ((n = in.read(buf, 0, 1 + out.size() % 333)) >= 0) {
          out.write(buf, 0, n);
        }
        assertArrayEquals(data, out.toByteArray(), "block " + block);
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void rethrowsTheSourcesFailureAfterTheBytesBeforeIt() throws IOException {
    byte[] data = bytes(10_000);
    InputStream failing =
        new InputStream() {
          private int pos;

          @Override
          public int read() throws IOException {
            if (pos == data.length) {
              throw new IOException("connection reset");
            }
            return data[pos++] & 0xff;
          }
        };
    try (InputStream in = new ReadAheadInputStream(failing, 1024, 2, "test")) {
      byte[] got = in.readNBytes(data.length);
      assertArrayEquals(data, got);
      IOException e = assertThrows(IOException.class, in::read);
      assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }
  }

  @Test
  void aWriterSourceDeliversItsBytesInOrderThenItsFailure() throws IOException {
    byte[] data = bytes(50_001);
    try (InputStream in =
        ReadAheadInputStream.writtenBy(
            out -> {
              for (int off = 0; off < data.length; off += 999) {
                out.write(data, off, Math.min(999, data.length - off));
              }
            },
            4096,
            2,
            "test")) {
      assertArrayEquals(data, in.readAllBytes());
    }
    try (InputStream in =
        ReadAheadInputStream.writtenBy(
            out -> {
              out.write(data, 0, 5000);
              throw new IOException("response body cut off");
            },
            4096,
            2,
            "test")) {
      assertArrayEquals(java.util.Arrays.copyOf(data, 5000), in.readNBytes(5000));
      IOException e = assertThrows(IOException.class, in::read);
      assertTrue(e.getMessage().contains("cut off"), e.getMessage());
    }
  }

  @Test
  void closingStopsAReaderBlockedOnAFullQueueAndClosesTheSource() throws Exception {
    CountDownLatch sourceClosed = new CountDownLatch(1);
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 1;
          }

          @Override
          public void close() {
            sourceClosed.countDown();
          }
        };
    ReadAheadInputStream in = new ReadAheadInputStream(endless, 16, 1, "test");
    assertEquals(1, in.read());
    in.close();
    assertTrue(sourceClosed.await(5, TimeUnit.SECONDS));
    assertThrows(IOException.class, in::read);
  }
}
