package io.geomachine.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Task messages lost inside the broker: the first orchestrator publishes stage 1's task messages to
 * an address no worker reads (the broker accepts them and the relay stamps published_at, so for the
 * platform they were sent), then it is replaced by a correctly configured one. The janitor's orphan
 * detector finds the queued tasks whose messages went out longer ago than requeue-after and were
 * never claimed, publishes them again, and the job completes with every task run once.
 */
class LostTaskMessageIT {
  private static final Duration REQUEUE_AFTER = Duration.ofSeconds(5);

  private Platform platform;

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void lostTaskMessagesArePublishedAgainAndTheJobCompletes() {
    platform = Platform.create("geomachine_e2e_lost_task_message");
    platform.start("api-gateway", "api-gateway", Map.of());
    ServiceProcess misrouting =
        platform.start(
            "orchestrator",
            "orchestrator-misrouting",
            Map.of("GEOMACHINE_QUEUES_RASTER_TASKS", "e2e.void." + UUID.randomUUID()));
    platform.start(
        "janitor",
        "janitor",
        Map.of(
            "GEOMACHINE_JANITOR_ORPHAN_DETECTOR_INTERVAL",
            "1s",
            "GEOMACHINE_JANITOR_ORPHAN_DETECTOR_REQUEUE_AFTER",
            REQUEUE_AFTER.toSeconds() + "s"));
    platform.start("worker-raster", "worker-raster", Map.of());
    platform.awaitReady();
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    String jobId =
        Jobs.submit(gateway, "benchmark_tasks", "{\"tasks\":4,\"task_ms\":100,\"run\":\"lost\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Jobs.count(
                        pool,
                        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
                            + " AND status = 'queued' AND published_at IS NOT NULL",
                        jobId)
                    == 4);
    long lostAt = System.nanoTime(); // the messages are on an address nobody reads
    misrouting.stop();
    platform.start("orchestrator", "orchestrator", Map.of());
    platform.awaitReady();

    Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(90));
    double recoverySeconds = (System.nanoTime() - lostAt) / 1e9;

    assertEquals(
        4,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'"
                + " AND attempts = 1",
            jobId));
    assertEquals(
        4,
        Jobs.count(
            pool,
            "SELECT coalesce(sum(jsonb_array_length(actions_taken->'task_messages_republished')),"
                + " 0) FROM app.janitor_runs WHERE run_type = 'orphan_detector'"));
    assertTrue(recoverySeconds < 60, "recovered in " + recoverySeconds + " s");
    System.out.printf(
        "lost task messages (requeue-after %ds, pass every 1s) -> job completed in %.1f s%n",
        REQUEUE_AFTER.toSeconds(), recoverySeconds);
  }
}
