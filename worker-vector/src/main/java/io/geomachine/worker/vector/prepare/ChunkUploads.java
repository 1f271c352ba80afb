package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.storage.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Uploads chunk files while the next ones are being written: a few uploads at once, and at most a
 * few finished chunk files waiting on disk (the splitter waits for a free slot). Several splitters
 * (the parts of a split source) may submit at once.
 */
final class ChunkUploads implements AutoCloseable {
  private static final int THREADS = 3;
  private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

  private final BlobStore store;
  private final String container;
  private final String jobId;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private final Semaphore slots = new Semaphore(THREADS + 1);
  private final List<Future<VectorManifest.Chunk>> pending = new ArrayList<>();

  ChunkUploads(BlobStore store, String container, String jobId) {
    this.store = store;
    this.container = container;
    this.jobId = jobId;
  }

  void submit(int index, Path file, long rows) throws InterruptedException {
    slots.acquire();
    Future<VectorManifest.Chunk> upload =
        pool.submit(
            () -> {
              try {
                String name = VectorManifest.chunkBlobName(jobId, index);
                store.upload(container, name, file, ChunkFiles.CONTENT_TYPE);
                Files.delete(file);
                return new VectorManifest.Chunk(
                    index, name, rows, VectorManifest.batchId(jobId, index));
              } finally {
                slots.release();
              }
            });
    synchronized (pending) {
      pending.add(upload);
    }
  }

  /** Waits for every upload started so far, whatever its outcome (before deleting the chunks). */
  void drain() throws InterruptedException {
    for (Future<VectorManifest.Chunk> f : snapshot()) {
      try {
        f.get();
      } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
        // the caller deletes the prefix next
      }
    }
  }

  private List<Future<VectorManifest.Chunk>> snapshot() {
    synchronized (pending) {
      return new ArrayList<>(pending);
    }
  }

  /** Every chunk once uploaded, by index; the first upload failure is rethrown as it was. */
  List<VectorManifest.Chunk> finish() throws Exception {
    List<VectorManifest.Chunk> done = new ArrayList<>();
    for (Future<VectorManifest.Chunk> f : snapshot()) {
      try {
        done.add(f.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    done.sort(Comparator.comparingInt(VectorManifest.Chunk::index));
    return done;
  }

  /**
   * Cancels the uploads not started yet and waits for the running ones to end: an upload cut off by
   * an interrupt may still complete in storage afterwards, after the caller deleted the job's
   * chunks on a failure, and leave one behind.
   */
  @Override
  public void close() {
    snapshot().forEach(f -> f.cancel(false));
    pool.shutdown();
    try {
      if (!pool.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow(); // the janitor removes what stays behind under the recorded prefix
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
