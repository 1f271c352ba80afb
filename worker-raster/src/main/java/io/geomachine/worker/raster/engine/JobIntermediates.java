package io.geomachine.worker.raster.engine;

import io.geomachine.core.model.JobArtifact;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.storage.BlobStore;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;

/**
 * A job's intermediate files in the temp container: their prefix is recorded before the first file
 * is written there, and the job's last stage removes every recorded prefix when the job succeeds
 * (the janitor removes those of failed and cancelled jobs).
 */
public final class JobIntermediates {
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private final Pool pool;
  private final BlobStore blobs;
  private final JobArtifactRepository artifacts = new JobArtifactRepository();

  public JobIntermediates(Pool pool, BlobStore blobs) {
    this.pool = pool;
    this.blobs = blobs;
  }

  public void record(String jobId, String container, String prefix, String kind) {
    artifacts.record(pool, jobId, container, prefix, kind).await().atMost(TIMEOUT);
  }

  /**
   * Marks a prefix of published outputs (a tiled job's tile COGs) as finished without deleting it:
   * recorded when the tiles were planned, so a job that fails half-way leaves no partial tiles (the
   * janitor deletes the recorded prefix), and released by the last stage once the job has published
   * everything under it.
   */
  public void release(String jobId, String container, String prefix) {
    artifacts.markRemoved(pool, jobId, container, prefix).await().atMost(TIMEOUT);
  }

  /** Deletes every open prefix of the job and marks it removed; the number of blobs deleted. */
  public int removeAll(String jobId) {
    int deleted = 0;
    for (JobArtifact a : artifacts.openOfJob(pool, jobId).await().atMost(TIMEOUT)) {
      deleted += blobs.deletePrefix(a.container(), a.prefix());
      artifacts.markRemoved(pool, jobId, a.container(), a.prefix()).await().atMost(TIMEOUT);
    }
    return deleted;
  }
}
