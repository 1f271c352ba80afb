package io.geomachine.gateway.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.admin.AdminFixtures;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The administration endpoints on a real database (its own), real pypgstac and real Azurite. In
 * order: refusals first, then a full rebuild, backups, a restore, and the lock.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = "geomachine_test_admin_gateway"))
@WithTestResource(EmbeddedArtemisResource.class)
@WithTestResource(AdminTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DbAdminResourceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Inject Pool pool;

  private long count(String sql) {
    return pool.query(sql).execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
  }

  @ParameterizedTest
  @Order(1)
  @ValueSource(
      strings = {
        "/api/dbadmin/maintenance/redeploy",
        "/api/dbadmin/maintenance/pgstac/redeploy",
        "/api/dbadmin/maintenance/full-rebuild",
        "/api/stac/nuke?mode=all",
        "/api/dbadmin/maintenance/full-rebuild?confirm=no",
        "/api/dbadmin/maintenance/full-rebuild?confirm=YES"
      })
  void destructiveOperationsWithoutConfirmationAnswerTheirPlan(String path) {
    given()
        .post(path)
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error.code", equalTo("CONFIRMATION_REQUIRED"))
        .body("error.status", equalTo(400))
        .body("error.message", containsString("confirm=yes"))
        .body("error.details.plan.destructive", equalTo(true))
        .body("error.details.plan.database", equalTo("geomachine_test_admin_gateway"))
        .body("error.details.plan.actions[0]", startsWith("back up app + pgstac"))
        .body("error.details.plan.untouched", hasItem(startsWith("geo")));
  }

  @Test
  @Order(2)
  void thePlanOfAFullRebuildNamesTheDropsAndTheRowsAtStake() {
    given()
        .post("/api/dbadmin/maintenance/full-rebuild?backup=false")
        .then()
        .statusCode(400)
        .body(
            "error.details.plan.actions",
            hasItems(
                "NO backup first (backup=false was given)",
                "DROP SCHEMA app CASCADE (all jobs, tasks, api requests, janitor runs, outbox)"))
        .body("error.details.plan.current.app.exists", equalTo(true))
        .body("error.details.plan.current.app.rows", hasKey("jobs"));
  }

  @Test
  @Order(3)
  void badParametersAreInvalidQuery() {
    given()
        .post("/api/stac/nuke?confirm=yes")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields[0].field", equalTo("mode"));
    given()
        .post("/api/stac/nuke?confirm=yes&mode=everything")
        .then()
        .statusCode(400)
        .body("error.fields[0].message", containsString("items, collections, all"));
    given()
        .post("/api/dbadmin/maintenance/redeploy?confirm=yes&backup=maybe")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_QUERY"))
        .body("error.fields[0].field", equalTo("backup"));
  }

  @Test
  @Order(10)
  void aFullRebuildAnswersItsStepReportAndVerifyPasses() {
    given()
        .post("/api/dbadmin/maintenance/full-rebuild?confirm=yes&backup=false")
        .then()
        .statusCode(200)
        .body("operation", equalTo("full-rebuild"))
        .body("destructive", equalTo(true))
        .body("status", equalTo("succeeded"))
        .body("steps.name", hasItems("drop_app", "deploy_pgstac", "system_collections", "verify"))
        .body("steps.find { it.name == 'backup' }.status", equalTo("skipped"))
        .body("steps.findAll { it.name != 'backup' }.status", everyItem(equalTo("ok")));
    given()
        .get("/api/dbadmin/verify")
        .then()
        .statusCode(200)
        .body("passed", equalTo(true))
        .body("checks.name", hasItems("app_tables", "pgstac_version", "system_collections"))
        .body("checks.find { it.name == 'pgstac_version' }.actual", equalTo("0.9.12"));
    // the gateway keeps working on the rebuilt schema
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 2, "message", "after the rebuild"))
        .post("/api/jobs/submit/hello_world")
        .then()
        .statusCode(202);
  }

  @Test
  @Order(11)
  void validateReportsEveryOrphanCheck() {
    given()
        .get("/api/dbadmin/validate")
        .then()
        .statusCode(200)
        .body("trusted", equalTo(true))
        .body(
            "checks.name",
            equalTo(
                List.of(
                    "tasks_without_job",
                    "api_requests_without_job",
                    "stac_items_without_job",
                    "geo_tables_without_metadata",
                    "metadata_without_table")));
    AdminFixtures.createItem(pool, "system-rasters", "orphan-scene", "job-that-never-was");
    given()
        .get("/api/dbadmin/validate")
        .then()
        .statusCode(200)
        .body("trusted", equalTo(false))
        .body("checks.find { it.name == 'stac_items_without_job' }.count", equalTo(1))
        .body(
            "checks.find { it.name == 'stac_items_without_job' }.samples[0].id",
            equalTo("orphan-scene"));
    given()
        .post("/api/stac/nuke?confirm=yes&mode=items&backup=false")
        .then()
        .statusCode(200)
        .body("result.items_deleted", equalTo(1));
    given().get("/api/dbadmin/validate").then().body("trusted", equalTo(true));
  }

  @Test
  @Order(20)
  void backupListRestoreRoundTrip() {
    String name =
        given()
            .post("/api/dbadmin/backups")
            .then()
            .statusCode(201)
            .body("status", equalTo("succeeded"))
            .body("result.backup.database", equalTo("geomachine_test_admin_gateway"))
            .extract()
            .path("result.backup.name");
    given()
        .get("/api/dbadmin/backups")
        .then()
        .statusCode(200)
        .body("database", equalTo("geomachine_test_admin_gateway"))
        .body("backups.name", hasItem(name))
        .body(
            "backups.find { it.name == '" + name + "' }.schemas",
            equalTo(List.of("app", "pgstac")));
    long jobs = count("SELECT count(*) FROM app.jobs");
    pool.query("DELETE FROM app.jobs").execute().await().atMost(TIMEOUT);

    given()
        .post("/api/dbadmin/backups/{name}/restore", name)
        .then()
        .statusCode(400)
        .body("error.code", equalTo("CONFIRMATION_REQUIRED"))
        .body("error.details.plan.actions[0]", containsString(name));
    given()
        .post("/api/dbadmin/backups/{name}/restore?confirm=yes&backup=false", name)
        .then()
        .statusCode(200)
        .body("status", equalTo("succeeded"))
        .body("result.validation.trusted", equalTo(true))
        .body("result.restored_from.name", equalTo(name));
    assertEquals(jobs, count("SELECT count(*) FROM app.jobs"), "the jobs are back");
    given()
        .post(
            "/api/dbadmin/backups/{name}/restore?confirm=yes",
            "full_nothing_20000101T000000000Z.dump")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("NOT_FOUND"));
  }

  @Test
  @Order(30)
  void aSecondOperationWhileOneRunsIsRefused() {
    SqlConnection holder = pool.getConnection().await().atMost(TIMEOUT);
    try {
      holder
          .preparedQuery("SELECT pg_advisory_lock($1, $2)")
          .execute(Tuple.of(0x47454F4D, 1))
          .await()
          .atMost(TIMEOUT);
      given()
          .post("/api/dbadmin/maintenance/full-rebuild?confirm=yes&backup=false")
          .then()
          .statusCode(409)
          .body("error.code", equalTo("OPERATION_IN_PROGRESS"))
          .body("error.details.holder", hasKey("pid"));
    } finally {
      holder
          .preparedQuery("SELECT pg_advisory_unlock($1, $2)")
          .execute(Tuple.of(0x47454F4D, 1))
          .await()
          .atMost(TIMEOUT);
      holder.close().await().atMost(TIMEOUT);
    }
  }

  @Test
  @Order(40)
  void theDdlIsPlainSqlWhateverTheClientAccepts() {
    for (String accept : List.of("*/*", "text/plain", "application/json")) {
      given()
          .accept(accept)
          .get("/api/dbadmin/ddl")
          .then()
          .statusCode(200)
          .contentType(startsWith("text/plain"))
          .body(containsString("CREATE TABLE IF NOT EXISTS \"app\".\"jobs\""));
    }
  }

  @Test
  @Order(41)
  void theApiDescriptionClassifiesEveryOperation() {
    given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(
            "paths.'/api/dbadmin/maintenance/full-rebuild'.post.description",
            startsWith("**DESTRUCTIVE.**"))
        .body(
            "paths.'/api/dbadmin/maintenance/redeploy'.post.description",
            startsWith("**DESTRUCTIVE.**"))
        .body(
            "paths.'/api/dbadmin/maintenance/pgstac/redeploy'.post.description",
            startsWith("**DESTRUCTIVE.**"))
        .body("paths.'/api/stac/nuke'.post.description", startsWith("**DESTRUCTIVE.**"))
        .body(
            "paths.'/api/dbadmin/backups/{name}/restore'.post.description",
            startsWith("**DESTRUCTIVE.**"))
        .body("paths.'/api/dbadmin/verify'.get.description", startsWith("**SAFE"))
        .body("paths.'/api/dbadmin/validate'.get.description", startsWith("**SAFE"))
        .body("paths.'/api/dbadmin/backups'.post.description", startsWith("**SAFE"))
        .body("paths.'/api/dbadmin/backups'.get.description", startsWith("**SAFE"))
        .body("paths.'/api/dbadmin/ddl'.get.description", startsWith("**SAFE"))
        .body(
            "paths.'/api/dbadmin/maintenance/full-rebuild'.post.responses.'409'.content.'application/json'.schema.$ref",
            equalTo("#/components/schemas/ErrorResponse"));
  }
}
