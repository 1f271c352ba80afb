package io.geomachine.worker.raster.tasks;

import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.storage.StorageLayout;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.WorkDir;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.file.Path;

/**
 * What the raster task handlers share: blob storage and its layout, the database (STAC), GDAL with
 * its timeout, where tasks work locally, and the single-file size limit.
 */
public record RasterTaskContext(
    BlobStore store,
    Pool pool,
    StorageLayout layout,
    Gdal gdal,
    Path workRoot,
    long singleMaxBytes) {

  /** A fresh local directory for one task, deleted when closed. */
  public WorkDir workDir(String taskId) {
    return WorkDir.create(workRoot, taskId);
  }
}
