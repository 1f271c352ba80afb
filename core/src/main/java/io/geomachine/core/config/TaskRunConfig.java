package io.geomachine.core.config;

import io.geomachine.core.job.RetryPolicy;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How a worker holds and retries tasks; a group the workers' and the janitor's config mappings
 * include as {@code tasks}.
 */
public interface TaskRunConfig {
  /** How long a claimed task belongs to its worker without a heartbeat. */
  @WithDefault("45s")
  Duration lease();

  /** How often a running task's lease is renewed (well under {@link #lease()}). */
  @WithDefault("10s")
  Duration heartbeat();

  /** Retries after a retryable failure (or a lost lease) before the task fails. */
  @WithDefault("3")
  int maxRetries();

  /** Delay before the first retry; doubled for each further one, with jitter. */
  @WithDefault("2s")
  Duration retryInitialDelay();

  @WithDefault("5m")
  Duration retryMaxDelay();

  default RetryPolicy retryPolicy() {
    return new RetryPolicy(maxRetries(), retryInitialDelay(), retryMaxDelay());
  }
}
