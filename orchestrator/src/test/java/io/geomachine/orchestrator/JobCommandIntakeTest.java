package io.geomachine.orchestrator;

import static io.geomachine.orchestrator.OrchestratorFixture.DEAD_LETTERS;
import static io.geomachine.orchestrator.OrchestratorFixture.JOBS;
import static io.geomachine.orchestrator.OrchestratorFixture.RASTER_TASKS;
import static io.geomachine.orchestrator.OrchestratorFixture.TIMEOUT;
import static io.geomachine.orchestrator.OrchestratorFixture.VECTOR_TASKS;
import static io.geomachine.orchestrator.OrchestratorFixture.queued;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.QueueReader;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's front door: messages it cannot read are dead-lettered with their reason and
 * change nothing, commands for jobs that do not exist are dropped (and acknowledged), and the
 * readiness check covers the database and the messaging channels.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_orchestrator"))
@WithTestResource(EmbeddedArtemisResource.class)
class JobCommandIntakeTest {
  @jakarta.inject.Inject io.vertx.mutiny.core.Vertx vertx;

  @Inject OrchestratorFixture fx;

  @BeforeEach
  void startFromEmptyQueues() {
    fx.awaitQuietAndEmptyQueues();
  }

  @Test
  void jsonWithoutSchemaVersionIsDeadLetteredWithItsReasonAndFailsTheJobItNames() {
    String jobId = fx.insertHelloWorld(2, "No version " + UUID.randomUUID());
    long jobsBefore = fx.count("SELECT count(*) FROM app.jobs");
    long tasksBefore = fx.count("SELECT count(*) FROM app.tasks");
    JsonObject unversioned = JobMessage.startJob(jobId).toJson();
    unversioned.remove("schema_version");

    fx.sendRaw(unversioned);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    JsonObject dead = single(QueueReader.drain(vertx, DEAD_LETTERS));
    assertEquals("job message: missing schema_version", dead.getString("reason"));
    assertEquals("jobs", dead.getString("source"));
    assertEquals(unversioned, new JsonObject(dead.getString("original")));
    assertEquals(1, dead.getInteger("schema_version"));
    assertTrue(Instant.parse(dead.getString("dead_lettered_at")).isBefore(Instant.now()));
    fx.awaitQuiet();
    // It still names its job, which no readable start_job will ever start: failed, not started.
    assertEquals(JobStatus.FAILED, fx.job(jobId).status());
    assertEquals(
        "UNREADABLE_MESSAGE: job message: missing schema_version (from jobs)",
        fx.job(jobId).errorDetails());
    assertEquals(jobsBefore, fx.count("SELECT count(*) FROM app.jobs"));
    assertEquals(tasksBefore, fx.count("SELECT count(*) FROM app.tasks"));
    assertEquals(0, queued(RASTER_TASKS) + queued(VECTOR_TASKS) + queued(DEAD_LETTERS));
  }

  @Test
  void plainTextIsDeadLetteredAsNotJson() {
    long tasksBefore = fx.count("SELECT count(*) FROM app.tasks");
    double handledBefore = fx.commandsHandled("start_job") + fx.commandsHandled("stage_completed");
    String text = "start the job please " + UUID.randomUUID();

    fx.sendRaw(text);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    JsonObject dead = single(QueueReader.drain(vertx, DEAD_LETTERS));
    assertTrue(dead.getString("reason").startsWith("not a JSON object"), dead.getString("reason"));
    assertEquals("jobs", dead.getString("source"));
    assertEquals(text, dead.getString("original"));
    fx.awaitQuiet();
    assertEquals(tasksBefore, fx.count("SELECT count(*) FROM app.tasks"));
    assertEquals(
        handledBefore, fx.commandsHandled("start_job") + fx.commandsHandled("stage_completed"));
    assertEquals(0, queued(RASTER_TASKS) + queued(VECTOR_TASKS));
  }

  @Test
  void unknownMessageTypeIsDeadLettered() {
    JsonObject cancel =
        new JsonObject()
            .put("schema_version", 1)
            .put("type", "cancel_job")
            .put("job_id", UUID.randomUUID().toString())
            .put("stage", 1);

    fx.sendRaw(cancel);

    await().atMost(TIMEOUT).until(() -> queued(DEAD_LETTERS) == 1);
    assertEquals(
        "job message: unknown type 'cancel_job'",
        single(QueueReader.drain(vertx, DEAD_LETTERS)).getString("reason"));
  }

  @Test
  void commandsForAnUnknownJobAreDroppedAndAcknowledged() {
    String missing = "f".repeat(64);
    double startsBefore = fx.commandsHandled("start_job");
    double stagesBefore = fx.commandsHandled("stage_completed");

    fx.send(JobMessage.startJob(missing));
    fx.send(JobMessage.stageCompleted(missing, 1));

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                queued(JOBS) == 0
                    && fx.commandsHandled("start_job") > startsBefore
                    && fx.commandsHandled("stage_completed") > stagesBefore);
    fx.awaitQuiet();
    assertEquals(startsBefore + 1, fx.commandsHandled("start_job"), "handled once, no redelivery");
    assertEquals(stagesBefore + 1, fx.commandsHandled("stage_completed"));
    assertNull(fx.job(missing));
    assertEquals(0, fx.count("SELECT count(*) FROM app.tasks WHERE parent_job_id = $1", missing));
    assertEquals(0, queued(DEAD_LETTERS), "a command for a missing job is not a bad message");
    assertEquals(0, queued("DLQ"), "the command must not have failed and been redelivered");
    assertEquals(0, queued(RASTER_TASKS) + queued(VECTOR_TASKS));
  }

  @Test
  void readinessIsUpAndCoversTheDatabaseAndEveryChannel() {
    JsonPath health =
        given()
            .when()
            .get("/q/health/ready")
            .then()
            .statusCode(200)
            .body("status", equalTo("UP"))
            .extract()
            .jsonPath();
    List<Map<String, Object>> checks = health.getList("checks");
    Map<String, Object> database = check(checks, "Reactive PostgreSQL connections health check");
    assertEquals("UP", database.get("status"));
    Map<String, Object> messaging = check(checks, "SmallRye Reactive Messaging - readiness check");
    assertEquals("UP", messaging.get("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> channels = (Map<String, Object>) messaging.get("data");
    assertTrue(
        channels
            .keySet()
            .containsAll(List.of("jobs", "raster-tasks", "vector-tasks", "dead-letters")),
        "channels in the readiness check: " + channels.keySet());
  }

  private static Map<String, Object> check(List<Map<String, Object>> checks, String name) {
    return checks.stream()
        .filter(c -> name.equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no health check named " + name + " in " + checks));
  }

  private static JsonObject single(List<JsonObject> messages) {
    assertEquals(1, messages.size(), "messages: " + messages);
    return messages.get(0);
  }
}
