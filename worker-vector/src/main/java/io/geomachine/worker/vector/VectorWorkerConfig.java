package io.geomachine.worker.vector;

import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The vector worker's settings; each is overridable by an environment variable. How many tasks run
 * at once is {@code smallrye.messaging.worker.task-runners.max-concurrency}.
 */
@ConfigMapping(prefix = "geomachine.worker")
public interface VectorWorkerConfig {
  OutboxConfig outbox();

  TaskRunConfig tasks();

  StorageConfig storage();

  /**
   * Where prepare keeps a task's local files (a folder per task, deleted when it ends); default:
   * the system temp folder. Needs room for the source file, its unzipped content and one dump.
   */
  Optional<String> workDir();
}
