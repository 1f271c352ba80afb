package io.geomachine.orchestrator;

import io.geomachine.core.config.OutboxConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The orchestrator's settings; each is overridable by an environment variable. */
@ConfigMapping(prefix = "geomachine.orchestrator")
public interface OrchestratorConfig {
  /** How long one job command (start a job, advance a stage) may take before it is retried. */
  @WithDefault("120s")
  Duration commandTimeout();

  OutboxConfig outbox();
}
