package io.geomachine.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.geomachine.core.job.TaskIds;
import io.geomachine.core.repository.NewStage;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cleanup API runs the janitor's passes on demand and shows their history. */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_gateway"))
@WithTestResource(EmbeddedArtemisResource.class)
class CleanupApiTest {
  @Inject Pool pool;

  @Test
  void aPassMustBeNamed() {
    given()
        .post("/api/cleanup/run")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields[0].field", equalTo("type"));
    given()
        .post("/api/cleanup/run?type=vacuum_everything")
        .then()
        .statusCode(400)
        .body("error.fields[0].field", equalTo("type"))
        .body(
            "error.fields[0].message",
            containsString("task_watchdog, orphan_detector, job_health, stale_jobs, blob_cleanup"));
  }

  @Test
  void theTaskWatchdogRetriesATaskWhoseLeaseExpiredAndRecordsTheRun() throws Exception {
    String jobId =
        GatewayTests.submitHelloWorld(Map.of("n", 1, "message", "lease-" + System.nanoTime()));
    GatewayTests.sql(pool, "UPDATE app.jobs SET status = 'processing' WHERE job_id = $1", jobId);
    String taskId = TaskIds.taskId(jobId, 1, "0");
    TaskRepository tasks = new TaskRepository();
    tasks
        .insertStage(
            pool,
            new NewStage(
                jobId,
                "hello_world",
                "hello_world_greeting",
                1,
                List.of(taskId),
                List.of("0"),
                List.of(
                    new JsonObject().put("index", 0).put("message", "x").put("failure_rate", 0.0))))
        .await()
        .atMost(GatewayTests.TIMEOUT);
    assertNotNull(tasks.claim(pool, taskId, "dead-worker", 0).await().atMost(GatewayTests.TIMEOUT));
    Thread.sleep(50);

    given()
        .post("/api/cleanup/run?type=task_watchdog")
        .then()
        .statusCode(200)
        .body("type", equalTo("task_watchdog"))
        .body("actions_taken.retried", hasItem(taskId));

    assertEquals(
        "pending_retry",
        pool.preparedQuery("SELECT status::text AS s FROM app.tasks WHERE task_id = $1")
            .execute(Tuple.of(taskId))
            .await()
            .atMost(GatewayTests.TIMEOUT)
            .iterator()
            .next()
            .getString("s"));
    given()
        .get("/api/cleanup/history?type=task_watchdog")
        .then()
        .statusCode(200)
        .body("runs[0].run_type", equalTo("task_watchdog"))
        .body("runs[0].status", equalTo("completed"))
        .body("runs[0].actions_taken.retried", hasItem(taskId));
    given()
        .get("/api/cleanup/status")
        .then()
        .statusCode(200)
        .body("task_watchdog.latest_run.run_type", equalTo("task_watchdog"))
        .body("task_watchdog.lease", equalTo("PT45S"))
        .body("orphan_detector.stalled_for", equalTo("PT2M"))
        .body("orphan_detector.requeue_after", equalTo("PT15M"))
        .body("job_health.unchanged_for", equalTo("PT5M"))
        .body("stale_jobs.horizon", equalTo("PT24H"))
        .body("blob_cleanup.ended_for", equalTo("PT10M"));
  }

  @Test
  void theOrphanDetectorRunsOnDemand() {
    given()
        .post("/api/cleanup/run?type=orphan_detector")
        .then()
        .statusCode(200)
        .body("type", equalTo("orphan_detector"))
        .body("skipped_another_replica_running", equalTo(false));
  }

  @Test
  void theJobHealthStaleJobAndBlobCleanupPassesRunOnDemand() {
    for (String type : List.of("job_health", "stale_jobs", "blob_cleanup")) {
      given()
          .post("/api/cleanup/run?type=" + type)
          .then()
          .statusCode(200)
          .body("type", equalTo(type))
          .body("skipped_another_replica_running", equalTo(false))
          .body("items_fixed", equalTo(0));
      given()
          .get("/api/cleanup/history?type=" + type)
          .then()
          .statusCode(200)
          .body("runs[0].run_type", equalTo(type));
    }
  }

  @Test
  void historyFiltersAreValidated() {
    given()
        .get("/api/cleanup/history?since=yesterday")
        .then()
        .statusCode(400)
        .body("error.fields[0].field", equalTo("since"));
    given()
        .get("/api/cleanup/history?type=nope")
        .then()
        .statusCode(400)
        .body("error.fields[0].field", equalTo("type"));
  }
}
