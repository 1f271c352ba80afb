package io.geomachine.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** hello_world through all five services, each its own process, on the real broker and database. */
class HelloWorldIT {
  private static Platform platform;

  @BeforeAll
  static void startPlatform() {
    platform = Platform.startAll("geomachine_e2e_hello");
  }

  @AfterAll
  static void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void fiftyGreetingsAndFiftyRepliesComplete() {
    String gateway = platform.gatewayUrl();
    String jobId = Jobs.submit(gateway, "hello_world", "{\"n\":50,\"message\":\"e2e\"}");

    JsonPath job = Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(120));

    List<String> greetings = job.getList("result_data.greetings");
    List<String> replies = job.getList("result_data.replies");
    assertEquals(50, greetings.size());
    assertEquals(50, replies.size());
    for (int i = 0; i < 50; i++) {
      assertEquals("e2e #" + i, greetings.get(i));
      assertEquals("Reply to 'e2e #" + i + "'", replies.get(i));
    }
    assertEquals(2, job.getInt("stage"));
    assertEquals(50, job.getInt("stage_results.'1'.completed"));
    assertEquals(50, job.getInt("stage_results.'2'.completed"));

    var pool = platform.database().pool();
    assertEquals(
        100,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND status = 'completed'",
            jobId));
    assertEquals(
        100, Jobs.count(pool, "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1", jobId));

    List<String> taskStatuses =
        given()
            .baseUri(gateway)
            .get("/api/jobs/" + jobId + "/tasks?limit=500")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("tasks.status");
    assertEquals(100, taskStatuses.size());
    assertEquals(List.of("completed"), taskStatuses.stream().distinct().toList());
  }

  @Test
  void resubmittingTheSameJobReturnsItAndQueuesNothing() {
    String gateway = platform.gatewayUrl();
    String body = "{\"n\":3,\"message\":\"again\"}";
    String jobId = Jobs.submit(gateway, "hello_world", body);
    Jobs.awaitStatus(gateway, jobId, "completed", Duration.ofSeconds(60));

    String again =
        given()
            .baseUri(gateway)
            .contentType(ContentType.JSON)
            .body(body)
            .post("/api/jobs/submit/hello_world")
            .then()
            .statusCode(200)
            .extract()
            .path("job_id");

    assertEquals(jobId, again);
    assertEquals(
        6,
        Jobs.count(
            platform.database().pool(),
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1",
            jobId));
    assertEquals("completed", Jobs.status(gateway, jobId).getString("status"));
  }
}
