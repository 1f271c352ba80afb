package io.geomachine.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Talking to a running platform: through the gateway, and reading its database. */
final class Jobs {
  private Jobs() {}

  static String submit(String gatewayUrl, String jobType, String body) {
    return given()
        .baseUri(gatewayUrl)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/jobs/submit/" + jobType)
        .then()
        .statusCode(202)
        .extract()
        .path("job_id");
  }

  static JsonPath status(String gatewayUrl, String jobId) {
    return given()
        .baseUri(gatewayUrl)
        .get("/api/jobs/status/" + jobId)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** Waits for a terminal status and returns the job; fails at once on an unexpected one. */
  static JsonPath awaitStatus(String gatewayUrl, String jobId, String expected, Duration timeout) {
    AtomicReference<JsonPath> last = new AtomicReference<>();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonPath job;
              try {
                job = status(gatewayUrl, jobId);
              } catch (AssertionError | RuntimeException e) {
                return false; // the gateway may be answering 503 while its database restarts
              }
              last.set(job);
              String s = job.getString("status");
              if (!s.equals(expected) && !s.equals("queued") && !s.equals("processing")) {
                throw new AssertionError("job ended " + s + ": " + job.prettify());
              }
              return s.equals(expected);
            });
    return last.get();
  }

  static long count(Pool pool, String sql, Object... args) {
    Row row =
        pool.preparedQuery(sql)
            .execute(Tuple.from(args))
            .await()
            .atMost(Duration.ofSeconds(30))
            .iterator()
            .next();
    return row.getLong(0);
  }
}
