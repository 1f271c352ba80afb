package io.geomachine.gateway;

import static io.geomachine.gateway.GatewayTests.TIMEOUT;
import static io.geomachine.gateway.GatewayTests.awaitOutboxDrained;
import static io.geomachine.gateway.GatewayTests.jobsQueueCount;
import static io.geomachine.gateway.GatewayTests.submit;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.JobIds;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
class SubmitJobTest {
  @Inject Pool pool;
  @Inject MeterRegistry metrics;

  @Test
  void newJobIsAcceptedOnceAndItsResubmissionReturnsItWithoutQueueingAgain() {
    awaitOutboxDrained(pool);
    long queuedBefore = jobsQueueCount();
    double createdBefore = submitted(true);
    double existingBefore = submitted(false);
    String message = "resubmit " + UUID.randomUUID();
    String expectedId =
        JobIds.derive("hello_world", new JsonObject().put("n", 7).put("message", message));

    submit("hello_world", Map.of("n", 7, "message", message))
        .then()
        .statusCode(202)
        .header("Location", endsWith("/api/jobs/status/" + expectedId))
        .body("job_id", equalTo(expectedId))
        .body("job_type", equalTo("hello_world"))
        .body("status", equalTo("queued"))
        .body("created", is(true))
        .body("links.status", equalTo("/api/jobs/status/" + expectedId))
        .body("links.tasks", equalTo("/api/jobs/" + expectedId + "/tasks"));
    await().atMost(TIMEOUT).until(() -> jobsQueueCount() == queuedBefore + 1);

    // failure_rate is not part of the job's identity: still the same job
    submit("hello_world", Map.of("message", message, "n", 7, "failure_rate", 0.5))
        .then()
        .statusCode(200)
        .header("Location", endsWith("/api/jobs/status/" + expectedId))
        .body("job_id", equalTo(expectedId))
        .body("status", equalTo("queued"))
        .body("created", is(false));

    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> jobsQueueCount() == queuedBefore + 1);
    assertEquals(createdBefore + 1, submitted(true));
    assertEquals(existingBefore + 1, submitted(false));
  }

  @Test
  void identifyingParametersChangeTheJobId() {
    String message = "identity " + UUID.randomUUID();
    String three = GatewayTests.submitHelloWorld(Map.of("n", 3, "message", message));
    String four = GatewayTests.submitHelloWorld(Map.of("n", 4, "message", message));
    assertEquals(
        JobIds.derive("hello_world", new JsonObject().put("n", 3).put("message", message)), three);
    assertEquals(
        JobIds.derive("hello_world", new JsonObject().put("n", 4).put("message", message)), four);
  }

  @Test
  void anEmptyBodyMeansAllDefaults() throws Exception {
    String defaults =
        JobIds.derive("hello_world", new JsonObject().put("n", 3).put("message", "Hello World"));
    given()
        .contentType(ContentType.JSON)
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(oneOf(200, 202))
        .body("job_id", equalTo(defaults));
    HttpResponse<String> bare = postWithoutContentType(HttpRequest.BodyPublishers.noBody());
    assertEquals(200, bare.statusCode(), bare.body());
    assertEquals(defaults, new JsonObject(bare.body()).getString("job_id"));
    given()
        .when()
        .get("/api/jobs/status/{id}", defaults)
        .then()
        .statusCode(200)
        .body("parameters.n", equalTo(3))
        .body("parameters.message", equalTo("Hello World"))
        .body("parameters.failure_rate", equalTo(0.0f));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"n\": 0}                 | n            | must be at least 1",
        "{\"n\": 1001}              | n            | must be at most 1000",
        "{\"n\": \"abc\"}           | n            | must be an integer",
        "{\"n\": 2.5}               | n            | must be an integer",
        "{\"colour\": \"red\"}      | colour       | unknown parameter",
        "{\"failure_rate\": 2}      | failure_rate | must be at most 1",
        "{\"message\": 42}          | message      | must be a string",
      })
  void invalidParametersAreNamed(String body, String field, String problem) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("INVALID_PARAMETERS"))
        .body("error.status", equalTo(400))
        .body("error.message", startsWith(field + ": " + problem))
        .body("error.fields", hasSize(1))
        .body("error.fields[0].field", equalTo(field))
        .body("error.fields[0].message", startsWith(problem));
  }

  @Test
  void everyInvalidParameterIsReportedAtOnce() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"n\": 5000, \"failure_rate\": -1}")
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_PARAMETERS"))
        .body("error.fields.field", containsInAnyOrder("n", "failure_rate"));
  }

  @Test
  void processVectorRefusesAnUnsafeTableNameNamingTheField() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"container_name\": \"bronze\", \"blob_name\": \"a.gpkg\","
                + " \"table_name\": \"Roads; DROP TABLE x\", \"schema\": \"public\"}")
        .when()
        .post("/api/jobs/submit/process_vector")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_PARAMETERS"))
        .body("error.fields.field", containsInAnyOrder("table_name", "schema"));
  }

  @Test
  void unknownJobTypeListsTheValidOnes() {
    submit("no_such_job", Map.of())
        .then()
        .statusCode(404)
        .body("error.code", equalTo("UNKNOWN_JOB_TYPE"))
        .body("error.status", equalTo(404))
        .body("error.message", containsString("no_such_job"))
        .body("error.details.valid_job_types", hasItem("hello_world"));
  }

  @Test
  void aBodyOverTheLimitIsRefused() {
    String huge = "{\"message\": \"" + "x".repeat(1024 * 1024 + 1) + "\"}";
    given()
        .contentType(ContentType.JSON)
        .body(huge)
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(413)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("PAYLOAD_TOO_LARGE"))
        .body("error.status", equalTo(413))
        .body("error.message", containsString("1048576"));
  }

  @Test
  void aBodyThatIsNotDeclaredJsonIsRefused() throws Exception {
    given()
        .contentType(ContentType.TEXT)
        .body("n=3")
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(415)
        .body("error.code", equalTo("UNSUPPORTED_MEDIA_TYPE"))
        .body("error.message", containsString("text/plain"));

    HttpResponse<String> noContentType =
        postWithoutContentType(HttpRequest.BodyPublishers.ofString("{\"n\": 3}"));
    assertEquals(415, noContentType.statusCode(), noContentType.body());
    assertEquals(
        "UNSUPPORTED_MEDIA_TYPE",
        new JsonObject(noContentType.body()).getJsonObject("error").getString("code"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{\"n\": 3", "[1, 2]", "\"n\"", "null", "{\"n\": 3} trailing"})
  void aBodyThatIsNotAJsonObjectIsMalformed(String body) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("MALFORMED_JSON"))
        .body("error.status", equalTo(400));
  }

  /** rest-assured always sends a Content-Type on POST; the JDK client sends none unless told. */
  private static HttpResponse<String> postWithoutContentType(HttpRequest.BodyPublisher body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(RestAssured.baseURI + ":" + RestAssured.port)
                        .resolve("/api/jobs/submit/hello_world"))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private double submitted(boolean created) {
    Counter counter =
        metrics
            .find("geomachine.jobs.submitted")
            .tags("job_type", "hello_world", "created", String.valueOf(created))
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
