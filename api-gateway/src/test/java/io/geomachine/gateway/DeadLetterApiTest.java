package io.geomachine.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.TaskConsumer;
import io.geomachine.core.engine.TaskExecutor;
import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.repository.NewStage;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dead-letter API: what consumers dead-lettered is listed with its reason, filtered and paged;
 * a dead-lettered task message is re-driven to a queue (it lands there again), and what cannot be
 * re-driven is refused with the reason.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_gateway"))
@WithTestResource(EmbeddedArtemisResource.class)
class DeadLetterApiTest {
  private static final String RASTER_QUEUE = "geomachine.tasks.raster";
  private static final String VECTOR_QUEUE = "geomachine.tasks.vector";

  @Inject Engine engine;
  @Inject Pool pool;
  @Inject Vertx vertx;

  @Test
  void anUnparseableMessageIsListedWithItsReasonAndCannotBeRedriven() {
    String text = "start the job please " + UUID.randomUUID();
    // What the orchestrator does with it (its consumer channel is "jobs").
    engine.intake().parseOrDeadLetter("jobs", text, JobMessage::fromJson);

    JsonPath page =
        given()
            .get("/api/dead-letters?source=jobs&limit=500")
            .then()
            .statusCode(200)
            .body("limit", equalTo(500))
            .body("offset", equalTo(0))
            .extract()
            .jsonPath();
    Map<String, Object> listed = withPayload(page, text);
    assertEquals("jobs", listed.get("source"));
    assertTrue(
        String.valueOf(listed.get("reason")).startsWith("not a JSON object"),
        "reason: " + listed.get("reason"));
    assertEquals(null, listed.get("job_id"));
    assertEquals(0, listed.get("redrive_count"));
    int id = (Integer) listed.get("id");

    given()
        .get("/api/dead-letters/{id}", id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("payload", equalTo(text))
        .body("reason", startsWith("not a JSON object"))
        .body("dead_lettered_at", notNullValue())
        .body("redriven_at", nullValue());

    given()
        .post("/api/dead-letters/{id}/redrive", id)
        .then()
        .statusCode(409)
        .body("error.code", equalTo("INVALID_STATE"))
        .body("error.message", containsString("never parsed as a JSON object"))
        .body("error.details.dead_letter_id", equalTo(id));
    given().get("/api/dead-letters/{id}", id).then().body("redrive_count", equalTo(0));
  }

  @Test
  void aTaskMessageDeadLetteredOnTheWrongQueueIsRedrivenToItsQueue() {
    String jobId =
        GatewayTests.submitHelloWorld(Map.of("n", 1, "message", "misrouted " + UUID.randomUUID()));
    String taskId = processingWithOneGreetingTask(jobId);
    String message =
        new TaskMessage(taskId, jobId, HelloWorldJob.GREETING_TASK, 1).toJson().encode();

    // The vector worker does not run greetings: it dead-letters the message and fails the task.
    TaskExecutor executor = engine.taskExecutor(List.of(new HelloWorldHandlers.Reply()));
    try {
      assertEquals(
          "dead_lettered",
          new TaskConsumer(engine.intake(), executor).accept("vector-tasks", message).outcome());
    } finally {
      executor.close();
    }

    JsonPath page =
        given()
            .get("/api/dead-letters?job_id={job}", jobId)
            .then()
            .statusCode(200)
            .body("dead_letters", hasSize(1))
            .body("count", equalTo(1))
            .extract()
            .jsonPath();
    int id = page.getInt("dead_letters[0].id");
    assertEquals(taskId, page.getString("dead_letters[0].task_id"));
    assertEquals("vector-tasks", page.getString("dead_letters[0].source"));
    assertTrue(page.getString("dead_letters[0].reason").contains(HelloWorldJob.GREETING_TASK));
    given()
        .post("/api/dead-letters/{id}/redrive?queue={queue}", id, RASTER_QUEUE)
        .then()
        .statusCode(202)
        .body("queue", equalTo(RASTER_QUEUE))
        .body("dead_letter.id", equalTo(id))
        .body("dead_letter.redrive_count", equalTo(1))
        .body("dead_letter.redriven_at", notNullValue());

    // The gateway writes the message to the outbox; the orchestrator's and janitor's relays
    // publish task queues.
    assertEquals(List.of(new JsonObject(message)), outboxPayloads("tasks.raster", taskId));
    given().get("/api/dead-letters/{id}", id).then().body("redrive_count", equalTo(1));

    // Without queue= it goes back where it came from (the vector queue).
    given()
        .post("/api/dead-letters/{id}/redrive", id)
        .then()
        .statusCode(202)
        .body("queue", equalTo(VECTOR_QUEUE))
        .body("dead_letter.redrive_count", equalTo(2));
    assertEquals(List.of(new JsonObject(message)), outboxPayloads("tasks.vector", taskId));
  }

  @Test
  void aMessageFromTheBrokersDlqIsNotRedrivenToItsSource() {
    String jobId =
        GatewayTests.submitHelloWorld(Map.of("n", 1, "message", "dlq " + UUID.randomUUID()));
    engine
        .deadLetterOffice()
        .recordPoison(JobMessage.startJob(jobId).toJson().encode(), "geomachine.jobs")
        .await()
        .atMost(GatewayTests.TIMEOUT);
    int id =
        given()
            .get("/api/dead-letters?source=DLQ&job_id={job}", jobId)
            .then()
            .statusCode(200)
            .body("dead_letters", hasSize(1))
            .body("dead_letters[0].reason", containsString("delivery attempts exhausted"))
            .extract()
            .path("dead_letters[0].id");
    given()
        .get("/api/jobs/status/{id}", jobId)
        .then()
        .body("status", equalTo("failed"))
        .body("error_details", startsWith("POISON_MESSAGE"));

    given()
        .post("/api/dead-letters/{id}/redrive", id)
        .then()
        .statusCode(409)
        .body("error.code", equalTo("INVALID_STATE"))
        .body("error.message", containsString("broker's DLQ"))
        .body("error.details.redrivable_queues", hasItem("geomachine.jobs"));
  }

  @Test
  void anUnknownDeadLetterIs404AndAMalformedId400() {
    given()
        .get("/api/dead-letters/{id}", 999999999)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND"))
        .body("error.message", containsString("999999999"));
    given()
        .post("/api/dead-letters/{id}/redrive", 999999999)
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND"));
    given()
        .get("/api/dead-letters/{id}", "abc")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("BAD_REQUEST"))
        .body("error.message", containsString("'abc'"));
  }

  @ParameterizedTest
  @CsvSource({
    "since=yesterday, since",
    "limit=0, limit",
    "limit=501, limit",
    "limit=ten, limit",
    "offset=-1, offset",
    "job_id=not-a-job, job_id",
  })
  void listingFiltersAreValidated(String query, String field) {
    given()
        .get("/api/dead-letters?" + query)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields[0].field", equalTo(field))
        .body("error.message", startsWith(field + ": "));
  }

  @Test
  void anUnknownRedriveQueueIsAnInvalidQuery() {
    engine.intake().parseOrDeadLetter("jobs", "{{{" + UUID.randomUUID(), JobMessage::fromJson);
    int id = given().get("/api/dead-letters?limit=1").then().extract().path("dead_letters[0].id");
    given()
        .post("/api/dead-letters/{id}/redrive?queue=geomachine.dead-letters", id)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields[0].field", equalTo("queue"))
        .body("error.fields[0].message", containsString("geomachine.tasks.raster"));
  }

  @Test
  void listingPagesNewestFirst() {
    String source = "test-source-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      engine.intake().deadLetter(source, "message " + i, "reason " + i);
    }
    given()
        .get("/api/dead-letters?source={s}", source)
        .then()
        .statusCode(200)
        .body("dead_letters.payload", equalTo(List.of("message 2", "message 1", "message 0")));
    given()
        .get("/api/dead-letters?source={s}&limit=1&offset=1", source)
        .then()
        .statusCode(200)
        .body("dead_letters.payload", equalTo(List.of("message 1")))
        .body("count", equalTo(1))
        .body("limit", equalTo(1))
        .body("offset", equalTo(1));
    given()
        .get("/api/dead-letters?source={s}&since=2999-01-01", source)
        .then()
        .statusCode(200)
        .body("dead_letters", hasSize(0))
        .body("dead_letters.payload", not(hasItem("message 0")));
  }

  /** A processing hello_world job with its one stage-1 greeting task, as CoreMachine makes it. */
  private String processingWithOneGreetingTask(String jobId) {
    GatewayTests.sql(pool, "UPDATE app.jobs SET status = 'processing' WHERE job_id = $1", jobId);
    String taskId = TaskIds.taskId(jobId, 1, "0");
    new TaskRepository()
        .insertStage(
            pool,
            new NewStage(
                jobId,
                HelloWorldJob.TYPE,
                HelloWorldJob.GREETING_TASK,
                1,
                List.of(taskId),
                List.of("0"),
                List.of(
                    new JsonObject().put("index", 0).put("message", "x").put("failure_rate", 0.0))))
        .await()
        .atMost(GatewayTests.TIMEOUT);
    return taskId;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withPayload(JsonPath page, String payload) {
    List<Map<String, Object>> all = page.getList("dead_letters");
    return all.stream()
        .filter(d -> payload.equals(d.get("payload")))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no dead letter with payload " + payload + ": " + all));
  }

  private List<JsonObject> outboxPayloads(String destination, String taskId) {
    List<JsonObject> out = new java.util.ArrayList<>();
    pool.preparedQuery(
            "SELECT payload FROM app.outbox WHERE destination = $1 AND payload->>'task_id' = $2"
                + " ORDER BY id")
        .execute(io.vertx.mutiny.sqlclient.Tuple.of(destination, taskId))
        .await()
        .atMost(GatewayTests.TIMEOUT)
        .forEach(r -> out.add(r.getJsonObject("payload")));
    return out;
  }
}
