package io.geomachine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 200 tasks of one stage completed by two competing workers per queue: the stage advances exactly
 * once and the next stage is created exactly once.
 */
class StageAdvanceConcurrencyIT {
  private Platform platform;

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void twoHundredTasksCompletingTogetherAdvanceTheStageOnce() {
    platform = Platform.startAll("geomachine_e2e_concurrency");
    platform.start("worker-raster", "worker-raster-2", Map.of());
    platform.start("worker-vector", "worker-vector-2", Map.of());
    platform.awaitReady();
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    String jobId = Jobs.submit(gateway, "hello_world", "{\"n\":200,\"message\":\"race\"}");
    JsonPath job = Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(180));

    assertEquals(200, job.getInt("stage_results.'1'.task_count"));
    assertEquals(200, job.getInt("stage_results.'2'.task_count"));
    assertEquals(200, job.getList("result_data.replies").size());
    assertEquals(
        400,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
            jobId));
    // Each stage's counter saw every task exactly once.
    assertEquals(
        2,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.stage_progress WHERE job_id = $1 AND tasks_done = 200 AND task_count = 200",
            jobId));
    assertEquals(0, Jobs.count(pool, "SELECT count(*) FROM app.outbox"));
  }
}
