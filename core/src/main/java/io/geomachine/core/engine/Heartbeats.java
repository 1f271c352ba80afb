package io.geomachine.core.engine;

import io.geomachine.core.concurrent.DaemonThreads;
import io.geomachine.core.engine.TaskExecutor.LeaseSettings;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.Heartbeat;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Renews the leases of running tasks. While a handler runs, its lease is renewed every heartbeat
 * interval, so a task may run for hours and a dead worker is noticed within one lease. The
 * heartbeat is also how a running task learns that its job was cancelled or failed, or that it lost
 * its lease: it then interrupts the handler's thread.
 */
final class Heartbeats {
  private static final Logger LOG = Logger.getLogger(Heartbeats.class);

  private final Pool pool;
  private final TaskRepository tasks;
  private final LeaseSettings settings;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("geomachine-heartbeat"));

  Heartbeats(Pool pool, TaskRepository tasks, LeaseSettings settings) {
    this.pool = pool;
    this.tasks = tasks;
    this.settings = settings;
  }

  /** Starts renewing {@code taskId}'s lease on behalf of the calling (handler) thread. */
  Running start(String taskId) {
    Running running = new Running(taskId, Thread.currentThread());
    long every = settings.heartbeat().toMillis();
    running.future = timer.scheduleAtFixedRate(running::beat, every, every, TimeUnit.MILLISECONDS);
    return running;
  }

  void close() {
    timer.shutdownNow();
  }

  /** One running task's heartbeat. */
  final class Running {
    private final String taskId;
    private final Thread handlerThread;
    private volatile ScheduledFuture<?> future;
    private volatile boolean jobCancelled;
    private volatile boolean leaseLost;
    private volatile boolean stopped;

    private Running(String taskId, Thread handlerThread) {
      this.taskId = taskId;
      this.handlerThread = handlerThread;
    }

    private void beat() {
      if (stopped) {
        return;
      }
      Heartbeat beat;
      try {
        beat =
            tasks
                .renewLease(pool, taskId, settings.workerId(), settings.lease().toMillis() / 1000.0)
                .await()
                .atMost(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        // The database may be restarting; the lease is long enough to survive a missed beat.
        LOG.warnf("heartbeat for task %s failed: %s", taskId, e.toString());
        return;
      }
      if (!beat.leaseHeld()) {
        leaseLost = true;
      } else if ("cancelled".equals(beat.jobStatus()) || "failed".equals(beat.jobStatus())) {
        jobCancelled = true;
      } else {
        return;
      }
      synchronized (this) {
        if (!stopped) {
          handlerThread.interrupt();
        }
      }
    }

    /** Stops the heartbeat; clears an interrupt meant for the finished handler. */
    void stop() {
      synchronized (this) {
        stopped = true;
      }
      if (future != null) {
        future.cancel(false);
      }
      Thread.interrupted();
    }

    boolean jobCancelled() {
      return jobCancelled;
    }

    boolean leaseLost() {
      return leaseLost;
    }
  }
}
