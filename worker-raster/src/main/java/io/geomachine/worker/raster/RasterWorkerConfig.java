package io.geomachine.worker.raster;

import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;

/**
 * The raster worker's settings; each is overridable by an environment variable. How many tasks run
 * at once is {@code smallrye.messaging.worker.task-runners.max-concurrency}.
 */
@ConfigMapping(prefix = "geomachine.worker")
public interface RasterWorkerConfig {
  OutboxConfig outbox();

  TaskRunConfig tasks();

  StorageConfig storage();

  RasterSettings raster();

  TilingSettings tiling();
}
