package io.geomachine.janitor;

import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The janitor's settings; each is overridable by an environment variable. */
@ConfigMapping(prefix = "geomachine.janitor")
public interface JanitorConfig {
  OrphanDetectorConfig orphanDetector();

  TaskWatchdogConfig taskWatchdog();

  /** Lease and retry settings; must match the workers' (same keys: geomachine.*.tasks.*). */
  TaskRunConfig tasks();

  OutboxConfig outbox();

  /** The task watchdog pass: tasks whose lease expired are retried or failed. */
  interface TaskWatchdogConfig {
    @WithDefault("true")
    boolean enabled();

    /** How often the pass runs (the scheduler reads this key). */
    @WithDefault("15s")
    Duration interval();

    /** Expired tasks handled per pass at most. */
    @WithDefault("500")
    int limit();
  }

  /** The orphan detector pass. */
  interface OrphanDetectorConfig {
    @WithDefault("true")
    boolean enabled();

    /** How often the pass runs (the scheduler reads this key). */
    @WithDefault("60s")
    Duration interval();

    /** How long a job may sit at a finished stage, or queued, before its message counts as lost. */
    @WithDefault("120s")
    Duration stalledFor();

    /** Jobs re-driven per pass at most. */
    @WithDefault("500")
    int limit();
  }
}
