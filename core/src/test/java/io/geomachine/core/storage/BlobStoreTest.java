package io.geomachine.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob store against real Azurite: append-only uploads, listing, download, errors. */
class BlobStoreTest {
  private static final String CONTAINER = "test-blobstore";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void uploadsListsAndDownloadsAndNeverOverwrites() throws Exception {
    BlobStore store = AdminTestSupport.blobStore();
    String prefix = "t-" + UUID.randomUUID() + "/";
    GeoMachineException noContainer =
        assertThrows(
            GeoMachineException.class,
            () ->
                store.uploadNew("test-missing-" + UUID.randomUUID(), "a", file("n", ""), Map.of()));
    assertEquals(ErrorCode.NOT_FOUND, noContainer.code());
    assertTrue(noContainer.getMessage().startsWith("container "), noContainer.getMessage());
    store.ensureContainer(CONTAINER);
    store.uploadNew(CONTAINER, prefix + "a", file("a", "first"), Map.of("kind", "a"));
    Thread.sleep(1100); // last-modified has one-second resolution
    BlobEntry b = store.uploadNew(CONTAINER, prefix + "b", file("b", "second!"), Map.of());

    assertEquals(7, b.size());
    List<BlobEntry> listed = store.list(CONTAINER, prefix);
    assertEquals(
        List.of(prefix + "b", prefix + "a"), listed.stream().map(BlobEntry::name).toList());
    assertEquals(Map.of("kind", "a"), listed.get(1).metadata());

    GeoMachineException exists =
        assertThrows(
            GeoMachineException.class,
            () -> store.uploadNew(CONTAINER, prefix + "a", file("a2", "replacement"), Map.of()));
    assertEquals(ErrorCode.INVALID_STATE, exists.code());

    Path copy = dir.resolve("copy");
    store.download(CONTAINER, prefix + "a", copy);
    assertEquals("first", Files.readString(copy), "the first upload is untouched");

    GeoMachineException missing =
        assertThrows(
            GeoMachineException.class,
            () -> store.download(CONTAINER, prefix + "nope", dir.resolve("x")));
    assertEquals(ErrorCode.NOT_FOUND, missing.code());
    assertTrue(store.find(CONTAINER, prefix + "nope").isEmpty());
    assertEquals(List.of(), store.list("test-never-created-" + UUID.randomUUID(), ""));
  }

  @Test
  void replacingUploadsSmallDocumentsUrlsAndPrefixDeletion() throws Exception {
    BlobStore store = AdminTestSupport.blobStore();
    store.ensureContainer(CONTAINER);
    String prefix = "etl-" + UUID.randomUUID() + "/";
    store.upload(CONTAINER, prefix + "x.tif", file("x", "one"), "image/tiff");
    store.upload(CONTAINER, prefix + "x.tif", file("x2", "two!"), "image/tiff");
    assertEquals(4, store.find(CONTAINER, prefix + "x.tif").orElseThrow().size(), "replaced");
    store.uploadBytes(CONTAINER, prefix + "sub/doc.json", "{\"a\":1}".getBytes(), null);
    assertEquals("{\"a\":1}", new String(store.downloadBytes(CONTAINER, prefix + "sub/doc.json")));
    assertEquals(
        store.endpoint() + "/" + CONTAINER + "/" + prefix + "x.tif",
        store.url(CONTAINER, prefix + "x.tif"),
        "a URL a client opens: the account endpoint, the container and the blob name");
    assertThrows(IllegalArgumentException.class, () -> store.deletePrefix(CONTAINER, ""));
    assertThrows(IllegalArgumentException.class, () -> store.deletePrefix(CONTAINER, "etl-"));
    assertEquals(2, store.deletePrefix(CONTAINER, prefix));
    assertEquals(List.of(), store.list(CONTAINER, prefix));
    assertEquals(0, store.deletePrefix(CONTAINER, prefix), "deleting again finds nothing");
    assertTrue(!store.delete(CONTAINER, prefix + "x.tif"));
    // many blobs (deleted several at once), and a sibling whose name starts the same stays
    String sibling = prefix.substring(0, prefix.length() - 1) + "-kept/keep.json";
    store.uploadBytes(CONTAINER, sibling, "{}".getBytes(), null);
    for (int i = 0; i < 20; i++) {
      store.uploadBytes(CONTAINER, prefix + "chunk_" + i, new byte[] {(byte) i}, null);
    }
    assertEquals(20, store.deletePrefix(CONTAINER, prefix));
    assertEquals(List.of(), store.list(CONTAINER, prefix));
    assertTrue(store.find(CONTAINER, sibling).isPresent(), "only the folder's blobs are deleted");
    store.delete(CONTAINER, sibling);
  }

  @Test
  void streamsBlobsInBlocksBothWaysAndAnAbandonedUploadLeavesNothing() throws Exception {
    BlobStore store = AdminTestSupport.blobStore();
    store.ensureContainer(CONTAINER);
    String prefix = "streams-" + UUID.randomUUID() + "/";
    // more than two 4 MiB blocks, so the upload stages blocks while it is written
    byte[] data = new byte[(int) (2.5 * BlobTransfers.BLOCK)];
    new java.util.Random(7).nextBytes(data);
    try (java.io.OutputStream out =
        store.openUpload(CONTAINER, prefix + "big", "application/zstd")) {
      for (int off = 0; off < data.length; off += 100_000) {
        out.write(data, off, Math.min(100_000, data.length - off));
      }
      assertTrue(store.find(CONTAINER, prefix + "big").isEmpty(), "no blob before the close");
    }
    assertEquals(data.length, store.find(CONTAINER, prefix + "big").orElseThrow().size());
    try (java.io.InputStream in = store.openDownload(CONTAINER, prefix + "big")) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(data, in.readAllBytes());
    }

    java.io.OutputStream abandoned = store.openUpload(CONTAINER, prefix + "half", null);
    abandoned.write(data, 0, (int) BlobTransfers.BLOCK + 1);
    assertTrue(store.find(CONTAINER, prefix + "half").isEmpty(), "never closed, never stored");

    GeoMachineException missing =
        assertThrows(
            GeoMachineException.class, () -> store.openDownload(CONTAINER, prefix + "nope"));
    assertEquals(ErrorCode.NOT_FOUND, missing.code());
    assertEquals(1, store.deletePrefix(CONTAINER, prefix));
  }

  @Test
  void anUnreachableStoreIsBlobStoreUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BlobStore store =
        BlobStore.connect(BlobSettings.azurite("http://127.0.0.1:" + port + "/devstoreaccount1"));
    GeoMachineException e =
        assertThrows(GeoMachineException.class, () -> store.ensureContainer(CONTAINER));
    assertEquals(ErrorCode.BLOB_STORE_UNAVAILABLE, e.code());
  }

  /**
   * The pinned service version is one Azurite accepts without {@code --skipApiVersionCheck}: a
   * private Azurite is started here without that flag.
   */
  @Test
  void thePinnedServiceVersionWorksWithAStrictAzurite() throws Exception {
    String bin = AdminTestSupport.azuriteBlobBinary();
    assertTrue(Files.isExecutable(Path.of(bin)), "azurite-blob not found at " + bin);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process azurite =
        new ProcessBuilder(
                bin,
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                String.valueOf(port),
                "--location",
                dir.resolve("azurite").toString(),
                "--disableTelemetry",
                "--silent")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("azurite.log").toFile())
            .start();
    try {
      long deadline = System.currentTimeMillis() + 30_000;
      while (!listening(port)) {
        assertTrue(azurite.isAlive(), Files.readString(dir.resolve("azurite.log")));
        assertTrue(System.currentTimeMillis() < deadline, "Azurite did not start");
        Thread.sleep(100);
      }
      BlobStore store =
          BlobStore.connect(BlobSettings.azurite("http://127.0.0.1:" + port + "/devstoreaccount1"));
      store.ensureContainer("strict");
      BlobEntry e = store.uploadNew("strict", "x", file("x", "hello"), Map.of());
      assertEquals(5, e.size());
      assertEquals(1, store.list("strict", "").size());
    } finally {
      azurite.destroy();
      if (!azurite.waitFor(10, TimeUnit.SECONDS)) {
        azurite.destroyForcibly();
      }
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
