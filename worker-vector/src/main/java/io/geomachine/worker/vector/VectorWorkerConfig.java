package io.geomachine.worker.vector;

import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;

/**
 * The vector worker's settings; each is overridable by an environment variable. How many tasks run
 * at once is {@code smallrye.messaging.worker.task-runners.max-concurrency}.
 */
@ConfigMapping(prefix = "geomachine.worker")
public interface VectorWorkerConfig {
  OutboxConfig outbox();

  TaskRunConfig tasks();

  StorageConfig storage();
}
