package io.geomachine.core.config;

import io.geomachine.core.engine.Engine.RelaySettings;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The outbox relay's settings, a group every service's config mapping includes as {@code outbox}.
 */
public interface OutboxConfig {
  /** Messages locked and sent per transaction. */
  @WithDefault("500")
  int batchSize();

  /** Messages in flight to the broker at once. */
  @WithDefault("128")
  int sendConcurrency();

  /** How long the broker may take to accept one message before the batch is retried. */
  @WithDefault("10s")
  Duration sendTimeout();

  /** How often the relay looks for messages left by others (it is also woken on every commit). */
  @WithDefault("500ms")
  Duration pollInterval();

  /**
   * Whether this process publishes outbox rows at all. Off, it still writes them (in the same
   * transactions as always) and leaves publishing to other replicas.
   */
  @WithDefault("true")
  boolean publish();

  default RelaySettings toSettings() {
    return new RelaySettings(
        batchSize(), sendConcurrency(), sendTimeout(), pollInterval(), publish());
  }
}
