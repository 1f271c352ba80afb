package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.storage.BlobStore;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Streams each chunk into the temp container while it is being cut: its blocks are staged as the
 * chunker writes them, so storage takes in the bytes while ogr2ogr is still converting, and a
 * chunk's blob appears when the chunker closes it. Before, a chunk went to a local file and was
 * uploaded once complete, so the last chunk of every part was uploaded after the conversion ended
 * (~0.6 s of the 200k-polygon GeoPackage job). A chunk the chunker never closes (its conversion
 * failed) leaves no blob. Several chunkers (the parts of a split source) may write at once.
 */
final class ChunkUploads implements CopyChunker.ChunkSink {
  private final BlobStore store;
  private final String container;
  private final String jobId;
  private final VectorManifest.ChunkFormat format;
  private final List<VectorManifest.Chunk> done = new ArrayList<>();

  ChunkUploads(BlobStore store, String container, String jobId, VectorManifest.ChunkFormat format) {
    this.store = store;
    this.container = container;
    this.jobId = jobId;
    this.format = format;
  }

  @Override
  public OutputStream open(int index) {
    return store.openUpload(
        container, VectorManifest.chunkBlobName(jobId, index, format), ChunkFiles.CONTENT_TYPE);
  }

  @Override
  public void finished(int index, long rows) {
    VectorManifest.Chunk chunk =
        new VectorManifest.Chunk(
            index,
            VectorManifest.chunkBlobName(jobId, index, format),
            rows,
            VectorManifest.batchId(jobId, index),
            format);
    synchronized (done) {
      done.add(chunk);
    }
  }

  /** Every chunk written so far, by index. */
  List<VectorManifest.Chunk> finish() {
    synchronized (done) {
      List<VectorManifest.Chunk> sorted = new ArrayList<>(done);
      sorted.sort(Comparator.comparingInt(VectorManifest.Chunk::index));
      return sorted;
    }
  }
}
