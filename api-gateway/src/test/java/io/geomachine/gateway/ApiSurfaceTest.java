package io.geomachine.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_gateway"))
@WithTestResource(EmbeddedArtemisResource.class)
class ApiSurfaceTest {

  @Test
  void jobTypesDescribeStagesAndParameters() {
    given()
        .get("/api/jobs/types")
        .then()
        .statusCode(200)
        .body("job_types.job_type", hasItem("hello_world"))
        .rootPath("job_types.find { it.job_type == 'hello_world' }")
        .body("description", containsString("greetings"))
        .body("aliases", equalTo(List.of()))
        .body("stages[0].stage", equalTo(1))
        .body("stages[0].name", equalTo("greet"))
        .body("stages[0].task_type", equalTo("hello_world_greeting"))
        .body("stages[0].kind", equalTo("single"))
        .body("stages[0].queue", equalTo("raster"))
        .body("stages[1].kind", equalTo("fan_out"))
        .body("stages[1].queue", equalTo("vector"))
        .body("parameters.n.type", equalTo("integer"))
        .body("parameters.n.min", equalTo(1))
        .body("parameters.n.max", equalTo(1000))
        .body("parameters.n.default", equalTo(3))
        .body("parameters.message.default", equalTo("Hello World"))
        .body("parameters.failure_rate.part_of_job_id", equalTo(false));
    given()
        .get("/api/jobs/types")
        .then()
        .statusCode(200)
        .rootPath("job_types.find { it.job_type == 'process_vector' }")
        .body(
            "stages.task_type",
            equalTo(List.of("vector_prepare", "vector_load_chunk", "vector_publish")))
        .body("parameters.indexes.type", equalTo("list"))
        .body("parameters.indexes.default", equalTo(List.of()))
        .body("parameters.table_name.required", equalTo(true));
  }

  @Test
  void readinessIncludesTheDatabaseAndTheBroker() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem(containsString("Reactive PostgreSQL")))
        .body("checks.name", hasItem(containsString("Reactive Messaging")))
        .body("checks.status", not(hasItem("DOWN")))
        .body(
            "checks.find { it.name.contains('Reactive Messaging') }.data",
            allOf(hasKey("jobs"), hasKey("dead-letters")));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void openApiDocumentsTheApiInSnakeCase() {
    given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths", hasKey("/api/jobs/submit/{job_type}"))
        .body("paths", hasKey("/api/jobs/status/{job_id}"))
        .body("paths", hasKey("/api/jobs/{job_id}/rerun"))
        .body("info.title", equalTo("GeoMachine API"))
        .body("info.description", containsString("Destructive operations"))
        .body("components.schemas.JobAccepted.properties", hasKey("job_id"))
        .body("components.schemas.JobDetail.properties", hasKey("stage_results"))
        .body("components.schemas.ErrorResponse.properties", hasKey("error"))
        .body(
            "paths.'/api/jobs/submit/{job_type}'.post.responses",
            allOf(hasKey("202"), hasKey("200"), hasKey("413")))
        .body(
            "paths.'/api/jobs/submit/{job_type}'.post.responses.'400'.content.'application/json'.schema.$ref",
            equalTo("#/components/schemas/ErrorResponse"))
        .body(
            "paths.'/api/jobs/types'.get.responses.'500'.content.'application/json'.schema.$ref",
            equalTo("#/components/schemas/ErrorResponse"))
        .body(
            "paths.'/api/jobs/submit/{job_type}'.post.responses.'202'.content.'application/json'.schema.$ref",
            equalTo("#/components/schemas/JobAccepted"));
    given().get("/q/swagger-ui/").then().statusCode(200).contentType(ContentType.HTML);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/no-such-thing", "/api/jobs/status", "/nowhere"})
  void unknownRoutesAre404InTheErrorShape(String path) {
    given()
        .get(path)
        .then()
        .statusCode(404)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("NOT_FOUND"))
        .body("error.status", equalTo(404))
        .body("error.message", containsString(path));
  }

  @Test
  void aWrongMethodIs405InTheErrorShape() {
    given()
        .delete("/api/jobs/types")
        .then()
        .statusCode(405)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("METHOD_NOT_ALLOWED"))
        .body("error.status", equalTo(405))
        .body("error.message", containsString("DELETE"));
    given()
        .get("/api/jobs/submit/hello_world")
        .then()
        .statusCode(405)
        .body("error.code", equalTo("METHOD_NOT_ALLOWED"))
        .body("error.message", containsString("/api/jobs/submit/hello_world"));
  }

  @Test
  void answersAreJsonWhateverTheClientAccepts() {
    given()
        .accept(ContentType.HTML)
        .get("/api/jobs/types")
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .body("job_types.job_type", hasItem("hello_world"));
    given()
        .accept(ContentType.XML)
        .get("/api/jobs/status/{id}", "bad")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("MALFORMED_JOB_ID"));
  }

  @Test
  void unexpectedErrorsAre500WithoutInternals() {
    RestResponse<ApiError> response =
        new ApiErrorMapper()
            .unexpected(new IllegalStateException("password=hunter2 at SomeClass.java:42"), null);
    assertEquals(500, response.getStatus());
    ApiError.Body error = response.getEntity().error();
    assertEquals("INTERNAL_ERROR", error.code());
    assertEquals(500, error.status());
    assertFalse(error.message().contains("hunter2"), error.message());
    assertEquals(Map.of("error_id", error.details().get("error_id")), error.details());
  }

  @Test
  void submissionsAreCountedInTheMetrics() {
    GatewayTests.submitHelloWorld(Map.of("n", 9, "message", "metrics " + UUID.randomUUID()));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "geomachine_jobs_submitted_total{created=\"true\",job_type=\"hello_world\""));
  }
}
