package io.geomachine.janitor;

import io.geomachine.core.config.JanitorPassesConfig;
import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;

/**
 * The janitor's settings; each is overridable by an environment variable. The passes' settings
 * ({@code geomachine.janitor.<pass>.*}: enabled, interval, threshold, limit) are {@link
 * JanitorPassesConfig}.
 */
@ConfigMapping(prefix = "geomachine.janitor")
public interface JanitorConfig extends JanitorPassesConfig {
  /** Lease and retry settings; must match the workers' (same keys: geomachine.*.tasks.*). */
  TaskRunConfig tasks();

  OutboxConfig outbox();

  /** Blob storage, for the blob-cleanup pass ({@code geomachine.janitor.storage.*}). */
  StorageConfig storage();
}
