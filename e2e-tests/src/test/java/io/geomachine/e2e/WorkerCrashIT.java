package io.geomachine.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker is killed with SIGKILL while it runs tasks. Its leases expire, the janitor's task
 * watchdog schedules retries, another worker runs them, and the job completes with every task
 * completed exactly once.
 */
class WorkerCrashIT {
  private Platform platform;

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void tasksOfAKilledWorkerAreRetriedElsewhereAndTheJobCompletes() {
    platform = Platform.create("geomachine_e2e_worker_crash");
    platform.startControlPlaneWithFastWatchdog();
    ServiceProcess doomed =
        platform.start("worker-raster", "worker-raster-doomed", Platform.FAST_LEASES);
    platform.awaitReady();
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    String jobId =
        Jobs.submit(gateway, "benchmark_tasks", "{\"tasks\":4,\"task_ms\":3000,\"run\":\"crash\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Jobs.count(
                        pool,
                        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'processing'",
                        jobId)
                    == 4);

    long killedAt = System.nanoTime();
    doomed.kill();
    platform.startSuccessor("worker-raster");
    Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(90));
    double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;

    assertEquals(
        4,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
            jobId));
    // Every task ran twice (the killed attempt and the retry) and completed once, cleanly.
    assertEquals(
        4,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND attempts = 2"
                + " AND retry_count = 1 AND error_details IS NULL AND lease_expires_at IS NULL",
            jobId));
    // The watchdog acted on exactly those four expired leases.
    assertEquals(
        4,
        Jobs.count(
            pool,
            "SELECT coalesce(sum(items_fixed), 0) FROM app.janitor_runs WHERE run_type = 'task_watchdog'"));
    assertTrue(recoverySeconds < 60, "recovered in " + recoverySeconds + " s");
    System.out.printf("worker kill -9 -> job completed in %.1f s%n", recoverySeconds);
  }
}
