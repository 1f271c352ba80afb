package io.geomachine.core.config;

import io.geomachine.core.engine.JanitorPasses;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The janitor passes' settings, a group the janitor's config mapping includes at its root ({@code
 * geomachine.janitor.*}) and the gateway's as {@code cleanup} (its on-demand runs). Each pass has
 * an on/off switch and an interval (the janitor's scheduler reads {@code
 * geomachine.janitor.<pass>.interval}, so application.properties repeats those defaults), a
 * threshold, and a limit of items handled per pass.
 */
public interface JanitorPassesConfig {
  TaskWatchdog taskWatchdog();

  OrphanDetector orphanDetector();

  JobHealth jobHealth();

  StaleJobs staleJobs();

  BlobCleanup blobCleanup();

  /** Tasks whose lease expired are retried or failed. */
  interface TaskWatchdog {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("15s")
    Duration interval();

    /** Expired tasks handled per pass at most. */
    @WithDefault("500")
    int limit();
  }

  /** Lost messages are sent again. */
  interface OrphanDetector {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("60s")
    Duration interval();

    /** How long a finished stage may wait to advance before its stage_completed counts as lost. */
    @WithDefault("120s")
    Duration stalledFor();

    /**
     * How long after its message went to the broker a task may wait unclaimed, or a job queued,
     * before the message counts as lost and is sent again. Longer than the longest expected queue
     * wait, or a legitimate backlog is sent twice (harmless but wasteful).
     */
    @WithDefault("15m")
    Duration requeueAfter();

    /** Items re-driven per pass at most (per kind). */
    @WithDefault("500")
    int limit();
  }

  /** Jobs whose current stage has a failed task get their failure policy applied. */
  interface JobHealth {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("5m")
    Duration interval();

    /** How long such a job must have been unchanged (the event-driven path had its chance). */
    @WithDefault("5m")
    Duration unchangedFor();

    @WithDefault("200")
    int limit();
  }

  /** Jobs past the stale horizon are failed (STALE_JOB). */
  interface StaleJobs {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("15m")
    Duration interval();

    /** A job created and last changed longer ago than this, and still open, is stale. */
    @WithDefault("24h")
    Duration horizon();

    @WithDefault("200")
    int limit();
  }

  /** Recorded intermediate prefixes (app.job_artifacts) of ended jobs are deleted. */
  interface BlobCleanup {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("10m")
    Duration interval();

    /** How long after a job failed or was cancelled its prefixes are deleted. */
    @WithDefault("10m")
    Duration endedFor();

    /** How long after a job completed the prefixes it left behind are deleted. */
    @WithDefault("24h")
    Duration completedFor();

    @WithDefault("100")
    int limit();
  }

  default JanitorPasses.Settings toSettings() {
    return new JanitorPasses.Settings(
        taskWatchdog().limit(),
        new io.geomachine.core.engine.OrphanDetector.Thresholds(
            seconds(orphanDetector().stalledFor()),
            seconds(orphanDetector().requeueAfter()),
            orphanDetector().limit()),
        seconds(jobHealth().unchangedFor()),
        jobHealth().limit(),
        staleJobs().horizon(),
        staleJobs().limit(),
        new io.geomachine.core.engine.BlobCleanup.Thresholds(
            seconds(blobCleanup().endedFor()),
            seconds(blobCleanup().completedFor()),
            blobCleanup().limit()));
  }

  private static int seconds(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toSeconds());
  }
}
