package io.geomachine.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator commits stage 1 (tasks plus their messages in the outbox) and is killed with
 * SIGKILL before it sends a single message. A new orchestrator must deliver them: the job completes
 * with every task run exactly once.
 *
 * <p>The first orchestrator runs with outbox publishing off, which freezes it exactly between its
 * commit and its send for as long as the test needs.
 */
class CrashBetweenCommitAndSendIT {
  private Platform platform;

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void messagesCommittedBeforeTheCrashAreDeliveredAfterIt() {
    platform = Platform.create("geomachine_e2e_crash");
    platform.start("api-gateway", "api-gateway", Map.of());
    platform.start("worker-raster", "worker-raster", Map.of());
    platform.start("worker-vector", "worker-vector", Map.of());
    ServiceProcess doomed =
        platform.start(
            "orchestrator",
            "orchestrator-doomed",
            Map.of("GEOMACHINE_ORCHESTRATOR_OUTBOX_PUBLISH", "false"));
    platform.awaitReady();
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    String jobId = Jobs.submit(gateway, "hello_world", "{\"n\":20,\"message\":\"crash\"}");

    // Stage 1 is committed: 20 tasks and their 20 messages, none of them sent.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Jobs.count(
                        pool, "SELECT count(*) FROM app.outbox WHERE destination = 'tasks.raster'")
                    == 20);
    ServiceProcess.sleep(1500);
    assertEquals(
        20,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'queued'",
            jobId));

    long killedAt = System.nanoTime();
    doomed.kill();
    assertEquals(
        20, Jobs.count(pool, "SELECT count(*) FROM app.outbox WHERE destination = 'tasks.raster'"));

    platform.start("orchestrator", "orchestrator-successor", Map.of());
    platform.awaitReady();
    JsonPath job = Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(120));
    System.out.printf(
        "orchestrator kill -9 between commit and send -> job completed %.1f s after the kill"
            + " (including the successor's start-up)%n",
        (System.nanoTime() - killedAt) / 1e9);

    assertEquals(20, job.getList("result_data.replies").size());
    assertEquals(
        40, Jobs.count(pool, "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1", jobId));
    assertEquals(
        40,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
            jobId));
    assertEquals(0, Jobs.count(pool, "SELECT count(*) FROM app.outbox"));
  }
}
