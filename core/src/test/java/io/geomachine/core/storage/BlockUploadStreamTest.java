package io.geomachine.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockListType;
import io.geomachine.core.admin.AdminTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block uploads against real Azurite: blocks arrive whole and in order, each with an MD5 the
 * service checks (a wrong one is refused and leaves no blob), and files go the same way.
 */
class BlockUploadStreamTest {
  private static final String CONTAINER = "test-block-uploads";
  private static final int SMALL_BLOCK = 64 << 10;

  /** A digest that is wrong for every block: the MD5 of the bytes with one bit flipped. */
  private static final Function<ByteBuffer, byte[]> WRONG_MD5 =
      bytes -> {
        byte[] md5 = BlockUploadStream.MD5.apply(bytes);
        md5[0] ^= 1;
        return md5;
      };

  @TempDir Path dir;

  private final BlobStore store = AdminTestSupport.blobStore();
  private final String prefix = "blocks-" + UUID.randomUUID() + "/";

  private BlockUploadStream stream(String name, Function<ByteBuffer, byte[]> digest) {
    store.ensureContainer(CONTAINER);
    return new BlockUploadStream(
        store.blockBlob(CONTAINER, prefix + name),
        new BlockUploadStream.Commit(
            new BlobHttpHeaders().setContentType("application/zstd"), null, null),
        SMALL_BLOCK,
        3,
        Duration.ofMinutes(1),
        digest);
  }

  private static byte[] randomBytes(int n) {
    byte[] data = new byte[n];
    new Random(n).nextBytes(data);
    return data;
  }

  private byte[] read(String name) throws IOException {
    try (InputStream in = store.openDownload(CONTAINER, prefix + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void blocksArriveWholeAndInOrderWhileTheWriterGoesOn() throws Exception {
    byte[] data = randomBytes(10 * SMALL_BLOCK + 1234);
    try (OutputStream out = stream("many", BlockUploadStream.MD5)) {
      Random sizes = new Random(3);
      for (int off = 0; off < data.length; ) {
        int n = Math.min(1 + sizes.nextInt(3 * SMALL_BLOCK / 2), data.length - off);
        out.write(data, off, n);
        off += n;
      }
      out.write(new byte[0]); // nothing
    }
    assertArrayEquals(data, read("many"));
    assertEquals(
        11,
        store
            .blockBlob(CONTAINER, prefix + "many")
            .listBlocks(BlockListType.COMMITTED)
            .getCommittedBlocks()
            .size(),
        "ten full blocks and the rest");
    assertEquals(
        "application/zstd",
        store.blockBlob(CONTAINER, prefix + "many").getProperties().getContentType());

    try (OutputStream out = stream("small", BlockUploadStream.MD5)) {
      out.write(data, 0, 100);
      out.write(data[100]);
    }
    assertArrayEquals(java.util.Arrays.copyOf(data, 101), read("small"), "one Put Blob");
    try (OutputStream out = stream("empty", BlockUploadStream.MD5)) {
      // nothing written
    }
    assertEquals(0, read("empty").length);
    assertEquals(3, store.deletePrefix(CONTAINER, prefix));
  }

  @Test
  void theServiceChecksEveryBlockAgainstItsMd5AndARefusedOneLeavesNoBlob() throws Exception {
    byte[] data = randomBytes(4 * SMALL_BLOCK);
    OutputStream blocks = stream("refused", WRONG_MD5);
    IOException refused =
        assertThrows(
            IOException.class,
            () -> {
              blocks.write(data);
              blocks.close();
            });
    assertMd5Mismatch(refused);
    assertTrue(store.find(CONTAINER, prefix + "refused").isEmpty(), "nothing committed");
    assertThrows(IOException.class, () -> blocks.write(1), "a failed upload takes no more bytes");

    OutputStream single = stream("refused-small", WRONG_MD5);
    single.write(data, 0, 10);
    assertMd5Mismatch(assertThrows(IOException.class, single::close));
    assertTrue(store.find(CONTAINER, prefix + "refused-small").isEmpty());
  }

  @Test
  void filesUploadInCheckedBlocksAndReplaceTheirBlob() throws Exception {
    store.ensureContainer(CONTAINER);
    byte[] data = randomBytes(2 * BlobTransfers.BLOCK + 99);
    Path file = Files.write(dir.resolve("f.bin"), data);
    store.upload(
        CONTAINER, prefix + "f.bin", Files.write(dir.resolve("old"), new byte[] {1}), null);
    BlobEntry uploaded = store.upload(CONTAINER, prefix + "f.bin", file, "image/tiff");
    assertEquals(data.length, uploaded.size());
    assertArrayEquals(data, read("f.bin"));
    assertEquals(
        3,
        store
            .blockBlob(CONTAINER, prefix + "f.bin")
            .listBlocks(BlockListType.COMMITTED)
            .getCommittedBlocks()
            .size());
    assertEquals(1, store.deletePrefix(CONTAINER, prefix));
  }

  private static void assertMd5Mismatch(IOException e) {
    BlobStorageException cause = assertInstanceOf(BlobStorageException.class, e.getCause());
    assertEquals(400, cause.getStatusCode());
    assertEquals(BlobErrorCode.MD5MISMATCH, cause.getErrorCode(), cause.getMessage());
  }
}
