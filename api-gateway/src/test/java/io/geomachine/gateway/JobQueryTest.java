package io.geomachine.gateway;

import static io.geomachine.gateway.GatewayTests.sql;
import static io.geomachine.gateway.GatewayTests.submitHelloWorld;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.TaskIds;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_gateway"))
@WithTestResource(EmbeddedArtemisResource.class)
class JobQueryTest {
  private static final String UNKNOWN_ID = "0".repeat(64);

  @Inject Pool pool;

  @Test
  void statusOfAMalformedIdIs400AndOfAnUnknownOne404() {
    given()
        .get("/api/jobs/status/{id}", "not-a-job-id")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("MALFORMED_JOB_ID"))
        .body("error.message", containsString("not-a-job-id"));
    given()
        .get("/api/jobs/status/{id}", UNKNOWN_ID)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("JOB_NOT_FOUND"))
        .body("error.message", containsString(UNKNOWN_ID));
  }

  @Test
  void statusOfANewJob() {
    String message = "status " + UUID.randomUUID();
    String jobId = submitHelloWorld(Map.of("n", 4, "message", message));
    given()
        .get("/api/jobs/status/{id}", jobId)
        .then()
        .statusCode(200)
        .body("job_id", equalTo(jobId))
        .body("job_type", equalTo("hello_world"))
        .body("status", equalTo("queued"))
        .body("stage", equalTo(1))
        .body("total_stages", equalTo(2))
        .body("parameters.n", equalTo(4))
        .body("parameters.message", equalTo(message))
        .body("stage_results", equalTo(Map.of()))
        .body("result_data", nullValue())
        .body("error_details", nullValue())
        .body("created_at", notNullValue())
        .body("updated_at", notNullValue())
        .body("progress.tasks_total", equalTo(0))
        .body("progress.tasks_done", equalTo(0))
        .body("progress.percent", equalTo(0.0f))
        .body("progress.stages.name", contains("greet", "reply"))
        .body("progress.stages[0].tasks_by_status.queued", equalTo(0));
  }

  @Test
  void progressAndTasksOfARunningStage() {
    String jobId = submitHelloWorld(Map.of("n", 3, "message", "progress " + UUID.randomUUID()));
    sql(pool, "UPDATE app.jobs SET status = 'processing' WHERE job_id = $1", jobId);
    for (String index : List.of("0", "1", "2")) {
      sql(
          pool,
          "INSERT INTO app.tasks (task_id, parent_job_id, job_type, task_type, stage, task_index)"
              + " VALUES ($1, $2, 'hello_world', 'hello_world_greeting', 1, $3)",
          TaskIds.taskId(jobId, 1, index),
          jobId,
          index);
    }
    String first = TaskIds.taskId(jobId, 1, "0");
    sql(pool, "UPDATE app.tasks SET status = 'processing' WHERE task_id = $1", first);
    sql(
        pool,
        "UPDATE app.tasks SET status = 'completed', result_data = '{\"greeting\": \"hi\"}'"
            + " WHERE task_id = $1",
        first);

    given()
        .get("/api/jobs/status/{id}", jobId)
        .then()
        .statusCode(200)
        .body("status", equalTo("processing"))
        .body("progress.tasks_total", equalTo(3))
        .body("progress.tasks_done", equalTo(1))
        // stage 1 is a third done, stage 2 not started: 1/3 of 1/2 = 16.67, rounded down
        .body("progress.percent", equalTo(16.6f))
        .body("progress.stages[0].tasks_by_status.completed", equalTo(1))
        .body("progress.stages[0].tasks_by_status.queued", equalTo(2))
        .body("progress.stages[1].tasks_total", equalTo(0));

    given()
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(200)
        .body("job_id", equalTo(jobId))
        .body("count", equalTo(3))
        .body("tasks.task_index", contains("0", "1", "2"))
        .body("tasks[0].task_id", equalTo(first))
        .body("tasks[0].task_type", equalTo("hello_world_greeting"))
        .body("tasks[0].stage", equalTo(1))
        .body("tasks[0].status", equalTo("completed"))
        .body("tasks[0].retry_count", equalTo(0))
        .body("tasks[0].result_data.greeting", equalTo("hi"))
        .body("tasks[0].error_details", nullValue())
        .body("tasks[0].created_at", notNullValue());
    given()
        .queryParam("status", "queued")
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(200)
        .body("tasks.task_index", contains("1", "2"));
    given()
        .queryParam("stage", 2)
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(200)
        .body("tasks", empty());
    given()
        .queryParam("limit", 1)
        .queryParam("offset", 1)
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(200)
        .body("limit", equalTo(1))
        .body("offset", equalTo(1))
        .body("tasks.task_index", contains("1"));
  }

  @Test
  void tasksOfUnknownMalformedAndNewJobs() {
    given()
        .get("/api/jobs/{id}/tasks", UNKNOWN_ID)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("JOB_NOT_FOUND"));
    given()
        .get("/api/jobs/{id}/tasks", "XYZ")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("MALFORMED_JOB_ID"));
    String jobId = submitHelloWorld(Map.of("n", 2, "message", "tasks " + UUID.randomUUID()));
    given()
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(200)
        .body("tasks", empty())
        .body("count", equalTo(0))
        .body("limit", equalTo(50));
    given()
        .queryParam("stage", "0")
        .queryParam("status", "done")
        .get("/api/jobs/{id}/tasks", jobId)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields.field", contains("stage", "status"));
  }

  @Test
  void listFiltersAndPages() {
    String message = "list " + UUID.randomUUID();
    List<String> mine =
        List.of(
            submitHelloWorld(Map.of("n", 11, "message", message)),
            submitHelloWorld(Map.of("n", 12, "message", message)),
            submitHelloWorld(Map.of("n", 13, "message", message)));

    JsonPath all = list(Map.of("limit", 500));
    List<String> allIds = all.getList("jobs.job_id");
    assertTrue(allIds.containsAll(mine), allIds.toString());
    assertEquals(allIds.size(), all.getInt("count"));
    List<LocalDateTime> created =
        all.getList("jobs.created_at", String.class).stream().map(LocalDateTime::parse).toList();
    assertEquals(created.stream().sorted(Comparator.reverseOrder()).toList(), created);
    // newest first: the last submitted comes first
    assertTrue(allIds.indexOf(mine.get(2)) < allIds.indexOf(mine.get(0)));

    JsonPath page = list(Map.of("limit", 2, "offset", 1));
    assertEquals(allIds.subList(1, 3), page.getList("jobs.job_id"));
    assertEquals(2, page.getInt("limit"));
    assertEquals(1, page.getInt("offset"));
    assertEquals(50, list(Map.of()).getInt("limit"));

    assertTrue(
        list(Map.of("status", "queued", "limit", 500)).getList("jobs.job_id").containsAll(mine));
    assertFalse(
        list(Map.of("status", "failed", "limit", 500))
            .getList("jobs.job_id")
            .contains(mine.get(0)));
    assertTrue(
        list(Map.of("job_type", "hello_world", "limit", 500))
            .getList("jobs.job_id")
            .containsAll(mine));
    assertEquals(0, list(Map.of("job_type", "no_such_job")).getInt("count"));

    String firstCreated =
        given().get("/api/jobs/status/{id}", mine.get(0)).then().extract().path("created_at");
    JsonPath since = list(Map.of("created_since", firstCreated, "limit", 500));
    assertTrue(since.getList("jobs.job_id").containsAll(mine));
    LocalDateTime sinceTime = LocalDateTime.parse(firstCreated);
    assertTrue(
        since.getList("jobs.created_at", String.class).stream()
            .map(LocalDateTime::parse)
            .noneMatch(t -> t.isBefore(sinceTime)));
    assertEquals(0, list(Map.of("created_since", "2999-01-01")).getInt("count"));
    assertEquals(0, list(Map.of("created_since", "2999-01-01T00:00:00+02:00")).getInt("count"));
  }

  @ParameterizedTest
  @CsvSource({
    "status, done",
    "limit, 0",
    "limit, 501",
    "limit, abc",
    "offset, -1",
    "created_since, yesterday",
  })
  void invalidListQueriesNameTheParameter(String parameter, String value) {
    given()
        .queryParam(parameter, value)
        .get("/api/jobs")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.status", equalTo(400))
        .body("error.message", containsString(parameter))
        .body("error.fields", hasSize(1))
        .body("error.fields[0].field", equalTo(parameter))
        .body("error.fields[0].message", containsString(value));
  }

  @Test
  void onlyAFinishedJobCanBeRerun() {
    String jobId = submitHelloWorld(Map.of("n", 5, "message", "rerun " + UUID.randomUUID()));
    given()
        .post("/api/jobs/{id}/rerun", jobId)
        .then()
        .statusCode(409)
        .body("error.code", equalTo("INVALID_STATE"))
        .body("error.message", containsString("queued"));
    given()
        .post("/api/jobs/{id}/rerun", UNKNOWN_ID)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("JOB_NOT_FOUND"));
    given()
        .post("/api/jobs/{id}/rerun", "nope")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("MALFORMED_JOB_ID"));
  }

  @Test
  void aFailedJobIsRerunAndStartedAgain() {
    String jobId = submitHelloWorld(Map.of("n", 6, "message", "failed " + UUID.randomUUID()));
    sql(
        pool,
        "UPDATE app.jobs SET status = 'failed', error_details = 'boom' WHERE job_id = $1",
        jobId);
    GatewayTests.awaitOutboxDrained(pool);
    long queuedBefore = GatewayTests.jobsQueueCount();

    given()
        .post("/api/jobs/{id}/rerun", jobId)
        .then()
        .statusCode(202)
        .header("Location", endsWith("/api/jobs/status/" + jobId))
        .body("job_id", equalTo(jobId))
        .body("status", equalTo("queued"))
        .body("created", equalTo(false));
    given()
        .get("/api/jobs/status/{id}", jobId)
        .then()
        .body("status", equalTo("queued"))
        .body("error_details", nullValue());
    await()
        .atMost(GatewayTests.TIMEOUT)
        .until(() -> GatewayTests.jobsQueueCount() == queuedBefore + 1);
    // and once re-queued it is no longer re-runnable
    given().post("/api/jobs/{id}/rerun", jobId).then().statusCode(409);
    given()
        .queryParam("status", "failed")
        .queryParam("limit", 500)
        .get("/api/jobs")
        .then()
        .body("jobs.job_id", not(hasItems(jobId)))
        .body("jobs.status", everyItem(equalTo("failed")));
  }

  private static JsonPath list(Map<String, ?> query) {
    return given().queryParams(query).get("/api/jobs").then().statusCode(200).extract().jsonPath();
  }
}
