package io.geomachine.core.storage;

import com.azure.storage.blob.models.DownloadRetryOptions;

/** How {@link BlobStore} moves bytes: block sizes, concurrency, read-ahead and resumption. */
final class BlobTransfers {
  private BlobTransfers() {}

  /** Uploads and streams move in 8 MiB blocks: fewer requests cost Azurite less CPU. */
  static final int BLOCK = 8 << 20;

  /**
   * Files upload in 8 MiB blocks, 8 at once (at most 72 MiB of buffers per upload, the block being
   * filled included); a file up to one block is one Put Blob.
   */
  static final int FILE_UPLOAD_CONCURRENCY = 8;

  /**
   * Files download in 8 MiB blocks, 8 at once. Measured on a 643 MB file against local Azurite:
   * 1.9-2.5 s instead of the SDK defaults' 4.2-4.9 s.
   */
  static final com.azure.storage.common.ParallelTransferOptions FILE_DOWNLOAD =
      new com.azure.storage.common.ParallelTransferOptions()
          .setBlockSizeLong((long) BLOCK)
          .setMaxConcurrency(8);

  /** A streamed download resumes from where it broke off, up to this many times. */
  static final DownloadRetryOptions DOWNLOAD_RETRIES =
      new DownloadRetryOptions().setMaxRetryRequests(5);

  /** How many blocks a download stream holds ready for its reader. */
  static final int STREAM_READ_AHEAD = 3;

  /** Streamed uploads: blocks staged 2 at a time while the writer fills the next. */
  static final int STREAM_UPLOAD_CONCURRENCY = 2;
}
