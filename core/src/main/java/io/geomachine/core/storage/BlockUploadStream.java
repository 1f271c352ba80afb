package io.geomachine.core.storage;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.geomachine.core.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * A blob written as a stream of blocks, each sent with its Content-MD5: the service checks every
 * block against the digest the writer computed and refuses a damaged one (400 Md5Mismatch) instead
 * of keeping it. The blocks are committed when the stream closes, so the blob appears whole or not
 * at all; a stream that fails or is never closed leaves only uncommitted blocks, which the service
 * discards. A stream shorter than one block is a single Put Blob, with its MD5 too.
 *
 * <p>The SDK's block stream and file upload send no digest for a block. Azurite then computes a
 * CRC-64 of every block it takes in, in JavaScript: 26 ms of CPU per MB, against 13 ms per MB with
 * the MD5 checked natively (44 MB in 8 MiB blocks; docs/benchmarks-vector.md section 13). The
 * digest costs the writer ~2 ms per MB, on the staging threads, not the writer's.
 *
 * <p>Up to {@code concurrency} blocks are staged at once while the writer fills the next, each in a
 * buffer of its own that is reused once its block is stored. Not thread-safe: one writer.
 */
final class BlockUploadStream extends BlockOutputStream {
  /** Staging threads, shared by every stream; idle ones end after a minute. */
  private static final ExecutorService STAGING =
      Executors.newCachedThreadPool(DaemonThreads.named("blob-block-upload"));

  /** What a blob's blocks carry: the MD5 of their bytes. */
  static final Function<ByteBuffer, byte[]> MD5 = BlockUploadStream::md5;

  /** The committed blob's properties and the condition its commit must meet. */
  record Commit(
      BlobHttpHeaders headers, Map<String, String> metadata, BlobRequestConditions when) {}

  private final BlockBlobClient blob;
  private final Commit commit;
  private final int blockSize;
  private final Duration timeout;
  private final Function<ByteBuffer, byte[]> digest;
  private final Semaphore slots;
  private final int concurrency;
  private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
  private final List<String> blockIds = new ArrayList<>();
  private volatile Throwable failure;
  private boolean closed;

  BlockUploadStream(
      BlockBlobClient blob,
      Commit commit,
      int blockSize,
      int concurrency,
      Duration timeout,
      Function<ByteBuffer, byte[]> digest) {
    super(blockSize);
    this.blob = blob;
    this.commit = commit;
    this.blockSize = blockSize;
    this.concurrency = concurrency;
    this.timeout = timeout;
    this.digest = digest;
    this.slots = new Semaphore(concurrency);
  }

  @Override
  void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the upload of " + blob.getBlobName() + " is closed");
    }
  }

  /** Commits the blob: stages what is left, waits for every block, then commits them in order. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (blockIds.isEmpty()) {
      ByteBuffer bytes = ByteBuffer.wrap(pending());
      run(
          () ->
              blob.uploadWithResponse(
                  new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(bytes))
                      .setContentMd5(digest.apply(bytes.duplicate()))
                      .setHeaders(commit.headers())
                      .setMetadata(commit.metadata())
                      .setRequestConditions(commit.when()),
                  timeout,
                  Context.NONE));
      return;
    }
    flushBlock();
    awaitSlots(concurrency); // every staged block stored or failed
    failIfAnyFailed();
    run(
        () ->
            blob.commitBlockListWithResponse(
                new BlockBlobCommitBlockListOptions(blockIds)
                    .setHeaders(commit.headers())
                    .setMetadata(commit.metadata())
                    .setRequestConditions(commit.when()),
                timeout,
                Context.NONE));
  }

  /** Stages the block on a staging thread once one of the stream's slots is free. */
  @Override
  void full(byte[] bytes, int length) throws IOException {
    awaitSlots(1);
    failIfAnyFailed();
    String id =
        Base64.getEncoder()
            .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
    blockIds.add(id);
    STAGING.execute(
        () -> {
          try {
            ByteBuffer content = ByteBuffer.wrap(bytes, 0, length);
            byte[] md5 = digest.apply(content.duplicate());
            blob.stageBlockWithResponse(
                new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(content))
                    .setContentMd5(md5),
                timeout,
                Context.NONE);
          } catch (RuntimeException | Error e) {
            failure = e;
          } finally {
            synchronized (spare) {
              spare.push(bytes);
            }
            slots.release();
          }
        });
  }

  @Override
  byte[] newBlock() {
    synchronized (spare) {
      byte[] reused = spare.poll();
      return reused != null ? reused : new byte[blockSize];
    }
  }

  private void awaitSlots(int n) throws IOException {
    try {
      slots.acquire(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted uploading " + blob.getBlobName());
    }
    if (n > 1) {
      slots.release(n); // only waiting for the staged blocks, not holding their slots
    }
  }

  private void failIfAnyFailed() throws IOException {
    Throwable failed = failure;
    if (failed != null) {
      closed = true;
      throw uploadFailed(failed);
    }
  }

  private void run(Runnable request) throws IOException {
    try {
      request.run();
    } catch (RuntimeException e) {
      throw uploadFailed(e);
    }
  }

  /**
   * The failure as an IOException whose cause is the storage error, for the caller to translate.
   */
  private IOException uploadFailed(Throwable cause) {
    return new IOException(
        "uploading " + blob.getBlobName() + " failed: " + BlobErrors.rootMessage(cause), cause);
  }

  private static byte[] md5(ByteBuffer bytes) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(bytes);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }
}
