package io.geomachine.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deploying the generated schema is idempotent, by the deployer and as a DBA script. */
class AppSchemaDeployTest {
  private static final String JOB = "d".repeat(64);

  private static TestDatabase db;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_schema_deploy");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void seedRows(Pool pool) {
    Sql.update(pool, "DELETE FROM app.jobs");
    Sql.update(pool, "DELETE FROM app.outbox");
    Sql.insertJob(pool, JOB, "processing", 1, 2);
    Sql.insertTask(pool, "task-1", JOB, 1, "0", "queued");
    Sql.update(
        pool, "INSERT INTO app.outbox (destination, payload) VALUES ('jobs', '{\"k\": 1}'::jsonb)");
  }

  private static void assertRowsSurvived(Pool pool) {
    assertEquals(1, Sql.count(pool, "SELECT count(*) FROM app.jobs WHERE job_id = $1", JOB));
    assertEquals(
        1, Sql.count(pool, "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1", JOB));
    assertEquals(1, Sql.count(pool, "SELECT count(*) FROM app.outbox WHERE payload->>'k' = '1'"));
    assertEquals(
        "processing",
        Sql.row(pool, "SELECT status::text FROM app.jobs WHERE job_id = $1", JOB).getString(0));
  }

  @Test
  void deployingTwiceChangesNothingAndKeepsTheRows() {
    Pool pool = db.pool();
    CatalogSnapshot before = CatalogSnapshot.of(pool);
    seedRows(pool);
    Sql.await(new SchemaDeployer().deploy(pool));
    Sql.await(new SchemaDeployer().deploy(pool));
    CatalogSnapshot after = CatalogSnapshot.of(pool);
    assertTrue(
        after.diff(before).isEmpty(), "second deploy changed the catalog:" + after.diff(before));
    assertRowsSurvived(pool);
  }

  @Test
  void theScriptAppliesAgainInOneTransaction() {
    Pool pool = db.pool();
    CatalogSnapshot before = CatalogSnapshot.of(pool);
    seedRows(pool);
    String script = new AppSchemaGenerator().script();
    Sql.await(pool.withTransaction(c -> c.query(script).execute()));
    CatalogSnapshot after = CatalogSnapshot.of(pool);
    assertTrue(
        after.diff(before).isEmpty(), "the script changed the catalog:" + after.diff(before));
    assertRowsSurvived(pool);
  }

  @Test
  void theScriptOnAnEmptyDatabaseBuildsWhatTheDeployerBuilds() {
    try (TestDatabase empty = TestDatabase.recreate("geomachine_test_core_schema_script", false)) {
      String script = new AppSchemaGenerator().script();
      Sql.await(empty.pool().withTransaction(c -> c.query(script).execute()));
      CatalogSnapshot fromScript = CatalogSnapshot.of(empty.pool());
      CatalogSnapshot fromDeployer = CatalogSnapshot.of(db.pool());
      assertTrue(
          fromScript.diff(fromDeployer).isEmpty(),
          "script and deployer differ:" + fromScript.diff(fromDeployer));
    }
  }

  @Test
  void everyStatementOfTheScriptIsIdempotentOnItsOwn() {
    // Run each statement a second time, one by one, outside any transaction.
    Pool pool = db.pool();
    CatalogSnapshot before = CatalogSnapshot.of(pool);
    for (String statement : new AppSchemaGenerator().statements()) {
      Sql.await(pool.query(statement).execute());
    }
    assertTrue(CatalogSnapshot.of(pool).diff(before).isEmpty());
  }
}
