package io.geomachine.gateway;

import io.geomachine.core.config.JanitorPassesConfig;
import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The gateway's settings; each is overridable by an environment variable. */
@ConfigMapping(prefix = "geomachine.gateway")
public interface GatewayConfig {
  /** Page size of the list endpoints when the client gives no {@code limit}. */
  @WithDefault("50")
  int defaultPageSize();

  /** The largest {@code limit} a client may ask for; larger values are refused (INVALID_QUERY). */
  @WithDefault("500")
  int maxPageSize();

  OutboxConfig outbox();

  /** Retry settings the cleanup API's task watchdog uses (keep equal to the janitor's). */
  TaskRunConfig tasks();

  /**
   * Thresholds of the janitor passes the cleanup API runs on demand ({@code
   * geomachine.gateway.cleanup.<pass>.*}; keep equal to the janitor's {@code
   * geomachine.janitor.<pass>.*}).
   */
  JanitorPassesConfig cleanup();

  /**
   * Blob storage, for the blob-cleanup pass run on demand ({@code geomachine.gateway.storage.*}).
   */
  StorageConfig storage();
}
