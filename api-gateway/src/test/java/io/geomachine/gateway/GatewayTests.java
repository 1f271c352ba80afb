package io.geomachine.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;

/** Helpers the gateway's tests share: submitting, and watching the outbox and the jobs queue. */
final class GatewayTests {
  static final String JOBS_QUEUE = "geomachine.jobs";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private GatewayTests() {}

  static Response submit(String jobType, Map<String, ?> parameters) {
    return given()
        .contentType(ContentType.JSON)
        .body(parameters)
        .when()
        .post("/api/jobs/submit/{type}", jobType);
  }

  /** Submits hello_world and returns the job id, asserting it was accepted. */
  static String submitHelloWorld(Map<String, ?> parameters) {
    return submit("hello_world", parameters).then().statusCode(202).extract().path("job_id");
  }

  static long jobsQueueCount() {
    return EmbeddedArtemisResource.messageCount(JOBS_QUEUE);
  }

  static long pendingOutboxMessages(Pool pool) {
    // Only what the gateway's relay publishes: rows for the workers' queues wait for their relays.
    return pool.query(
            "SELECT count(*) AS n FROM app.outbox WHERE destination IN ('jobs', 'dead-letters')")
        .execute()
        .await()
        .atMost(TIMEOUT)
        .iterator()
        .next()
        .getLong("n");
  }

  /** Waits until the relay has published everything earlier tests left in the outbox. */
  static void awaitOutboxDrained(Pool pool) {
    await().atMost(TIMEOUT).until(() -> pendingOutboxMessages(pool) == 0);
  }

  static void sql(Pool pool, String statement, Object... args) {
    pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(TIMEOUT);
  }
}
