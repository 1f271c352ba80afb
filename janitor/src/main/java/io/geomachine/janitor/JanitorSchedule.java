package io.geomachine.janitor;

import io.geomachine.core.engine.JanitorPasses;
import io.geomachine.core.engine.PassReport;
import io.geomachine.core.model.JanitorRunType;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Entry points: the janitor's passes on their timers ({@code geomachine.janitor.<pass>.interval}).
 */
@ApplicationScoped
public class JanitorSchedule {
  private static final Logger LOG = Logger.getLogger(JanitorSchedule.class);

  @Inject JanitorPasses passes;
  @Inject JanitorConfig config;
  @Inject MeterRegistry metrics;

  @Scheduled(
      identity = "orphan-detector",
      every = "${geomachine.janitor.orphan-detector.interval}",
      delayed = "${geomachine.janitor.orphan-detector.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void orphanDetector() {
    run(JanitorRunType.ORPHAN_DETECTOR, config.orphanDetector().enabled());
  }

  @Scheduled(
      identity = "task-watchdog",
      every = "${geomachine.janitor.task-watchdog.interval}",
      delayed = "${geomachine.janitor.task-watchdog.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void taskWatchdog() {
    run(JanitorRunType.TASK_WATCHDOG, config.taskWatchdog().enabled());
  }

  @Scheduled(
      identity = "job-health",
      every = "${geomachine.janitor.job-health.interval}",
      delayed = "${geomachine.janitor.job-health.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void jobHealth() {
    run(JanitorRunType.JOB_HEALTH, config.jobHealth().enabled());
  }

  @Scheduled(
      identity = "stale-jobs",
      every = "${geomachine.janitor.stale-jobs.interval}",
      delayed = "${geomachine.janitor.stale-jobs.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void staleJobs() {
    run(JanitorRunType.STALE_JOBS, config.staleJobs().enabled());
  }

  @Scheduled(
      identity = "blob-cleanup",
      every = "${geomachine.janitor.blob-cleanup.interval}",
      delayed = "${geomachine.janitor.blob-cleanup.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void blobCleanup() {
    run(JanitorRunType.BLOB_CLEANUP, config.blobCleanup().enabled());
  }

  private void run(JanitorRunType type, boolean enabled) {
    if (!enabled) {
      return;
    }
    try {
      PassReport report = passes.run(type).await().atMost(Duration.ofMinutes(2));
      metrics
          .counter("geomachine.janitor.fixed", "pass", type.sqlValue())
          .increment(report.fixed());
    } catch (RuntimeException e) {
      LOG.warnf("%s pass failed: %s", type.sqlValue(), e.toString());
    }
  }
}
