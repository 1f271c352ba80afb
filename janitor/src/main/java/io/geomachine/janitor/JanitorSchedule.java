package io.geomachine.janitor;

import io.geomachine.core.engine.LeaseWatchdog;
import io.geomachine.core.engine.OrphanDetector;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Entry points: the janitor's passes on their timers. */
@ApplicationScoped
public class JanitorSchedule {
  private static final Logger LOG = Logger.getLogger(JanitorSchedule.class);

  @Inject OrphanDetector orphanDetector;
  @Inject LeaseWatchdog leaseWatchdog;
  @Inject JanitorConfig config;
  @Inject MeterRegistry metrics;

  @Scheduled(
      identity = "orphan-detector",
      every = "${geomachine.janitor.orphan-detector.interval}",
      delayed = "${geomachine.janitor.orphan-detector.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void orphanDetector() {
    JanitorConfig.OrphanDetectorConfig c = config.orphanDetector();
    if (!c.enabled()) {
      return;
    }
    try {
      OrphanDetector.Report report =
          orphanDetector
              .run((int) c.stalledFor().toSeconds(), c.limit())
              .await()
              .atMost(Duration.ofMinutes(2));
      metrics
          .counter("geomachine.janitor.fixed", "pass", "orphan_detector")
          .increment(report.fixed());
    } catch (RuntimeException e) {
      LOG.warnf("orphan detector pass failed: %s", e.toString());
    }
  }

  @Scheduled(
      identity = "task-watchdog",
      every = "${geomachine.janitor.task-watchdog.interval}",
      delayed = "${geomachine.janitor.task-watchdog.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void taskWatchdog() {
    JanitorConfig.TaskWatchdogConfig c = config.taskWatchdog();
    if (!c.enabled()) {
      return;
    }
    try {
      LeaseWatchdog.Report report =
          leaseWatchdog.run(c.limit()).await().atMost(Duration.ofMinutes(2));
      metrics
          .counter("geomachine.janitor.fixed", "pass", "task_watchdog")
          .increment(report.retried() + report.failed());
    } catch (RuntimeException e) {
      LOG.warnf("task watchdog pass failed: %s", e.toString());
    }
  }
}
