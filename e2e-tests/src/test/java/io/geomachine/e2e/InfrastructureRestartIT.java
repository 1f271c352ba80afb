package io.geomachine.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker, then the database, is stopped for a few seconds in the middle of a job (with {@code
 * ./platform broker-restart} / {@code postgres-restart}, the same commands an operator would use).
 * Every job must still end completed, each task completed exactly once, nothing left in the outbox.
 */
class InfrastructureRestartIT {
  /** Short leases and janitor timers so that what the outage breaks is recovered quickly. */
  private static final Map<String, String> FAST_RECOVERY =
      Map.of(
          "GEOMACHINE_WORKER_TASKS_LEASE", "5s",
          "GEOMACHINE_WORKER_TASKS_HEARTBEAT", "1s",
          "GEOMACHINE_WORKER_TASKS_RETRY_INITIAL_DELAY", "500ms",
          "GEOMACHINE_JANITOR_TASK_WATCHDOG_INTERVAL", "1s",
          "GEOMACHINE_JANITOR_TASKS_RETRY_INITIAL_DELAY", "500ms",
          "GEOMACHINE_AMQP_RECONNECT_INTERVAL", "1");

  private Platform platform;

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void aBrokerRestartInTheMiddleOfAJobLosesNothing() {
    runThrough("geomachine_e2e_broker_restart", "broker-restart");
  }

  @Test
  void aDatabaseRestartInTheMiddleOfAJobLosesNothing() {
    runThrough("geomachine_e2e_postgres_restart", "postgres-restart");
  }

  private void runThrough(String database, String drill) {
    platform = Platform.create(database);
    for (String module :
        new String[] {"api-gateway", "orchestrator", "worker-raster", "worker-vector", "janitor"}) {
      platform.start(module, module, FAST_RECOVERY);
    }
    platform.awaitReady();
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    String jobId =
        Jobs.submit(
            gateway, "benchmark_tasks", "{\"tasks\":48,\"task_ms\":700,\"run\":\"" + drill + "\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Jobs.count(
                        pool,
                        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
                        jobId)
                    >= 8);

    long outageAt = System.nanoTime();
    runPlatform(drill, "3");
    Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(180));
    double seconds = (System.nanoTime() - outageAt) / 1e9;

    assertEquals(
        48,
        awaitCount(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
            jobId));
    assertEquals(
        0,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status <> 'completed'",
            jobId));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Jobs.count(pool, "SELECT count(*) FROM app.outbox") == 0);
    assertTrue(seconds < 180);
    System.out.printf(
        "%s (3 s down) -> job completed %.1f s after the outage began%n", drill, seconds);
  }

  /** The database may still be coming back: retry the count until it answers. */
  private static long awaitCount(Pool pool, String sql, String jobId) {
    long[] result = new long[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              result[0] = Jobs.count(pool, sql, jobId);
              return true;
            });
    return result[0];
  }

  private static void runPlatform(String... args) {
    Path root =
        Path.of(System.getProperty("geomachine.repo.root", "..")).toAbsolutePath().normalize();
    String[] command = new String[args.length + 1];
    command[0] = root.resolve("platform").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      root.resolve("e2e-tests/target/service-logs/platform-drills.log").toFile()))
              .start();
      assertEquals(0, p.waitFor(), "./platform " + String.join(" ", args) + " failed");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
