package io.geomachine.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each orphan check of the validation pass catches the orphan it names, and only that one: the
 * database starts trusted, one orphan is planted, exactly its check fails with a sample naming it.
 */
class ValidationTest {
  private static TestDatabase db;
  private static SchemaAdmin admin;
  private static List<String> jobs;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_validate");
    admin = AdminTestSupport.admin(db);
    assertTrue(admin.fullRebuild(true, false).succeeded());
    jobs = AdminFixtures.populate(db.pool());
  }

  @AfterEach
  void trustedAgain() {
    Sql.update(db.pool(), "DELETE FROM app.tasks WHERE task_id = 'orphan-task'");
    Sql.update(db.pool(), "DELETE FROM app.api_requests WHERE request_id = 'orphan-request'");
    Sql.update(db.pool(), "DELETE FROM pgstac.items WHERE id = 'orphan-item'");
    Sql.update(db.pool(), "DROP TABLE IF EXISTS geo.unregistered");
    Sql.update(db.pool(), "DELETE FROM geo.table_metadata WHERE table_name = 'vanished'");
    assertTrue(admin.validate().trusted(), admin.validate().toString());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void assertOnlyCheckFails(String check, String sampleValue) {
    ValidationReport r = admin.validate();
    assertFalse(r.trusted());
    for (ValidationReport.Orphans o : r.checks()) {
      if (o.name().equals(check)) {
        assertFalse(o.passed(), o.toString());
        assertEquals(1, o.count(), o.toString());
        Map<String, Object> sample = o.samples().get(0);
        assertTrue(sample.containsValue(sampleValue), sample.toString());
      } else {
        assertTrue(o.passed(), "only " + check + " should fail, but " + o);
      }
    }
  }

  @Test
  void aConsistentDatabaseIsTrusted() {
    ValidationReport r = admin.validate();
    assertTrue(r.trusted(), r.toString());
    assertEquals(
        List.of(
            IntegrityValidator.TASKS_WITHOUT_JOB,
            IntegrityValidator.API_REQUESTS_WITHOUT_JOB,
            IntegrityValidator.STAC_ITEMS_WITHOUT_JOB,
            IntegrityValidator.GEO_TABLES_WITHOUT_METADATA,
            IntegrityValidator.METADATA_WITHOUT_TABLE),
        r.checks().stream().map(ValidationReport.Orphans::name).toList());
  }

  @Test
  void aTaskWithoutItsJobIsFound() {
    // the foreign key stops this in normal operation; a partial restore bypasses it like this
    Sql.await(
        db.pool()
            .withTransaction(
                c ->
                    c.query("SET LOCAL session_replication_role = replica")
                        .execute()
                        .chain(
                            () ->
                                c.query(
                                        "INSERT INTO app.tasks (task_id, parent_job_id, job_type,"
                                            + " task_type, stage) VALUES ('orphan-task',"
                                            + " 'no-such-job', 'hello_world', 'greet', 1)")
                                    .execute())));
    assertOnlyCheckFails(IntegrityValidator.TASKS_WITHOUT_JOB, "orphan-task");
  }

  @Test
  void anApiRequestWithoutItsJobIsFound() {
    Sql.update(
        db.pool(),
        "INSERT INTO app.api_requests (request_id, dataset_id, resource_id, version_id, job_id,"
            + " data_type) VALUES ('orphan-request', 'ds', 'r', 'v', 'gone-job', 'raster')");
    assertOnlyCheckFails(IntegrityValidator.API_REQUESTS_WITHOUT_JOB, "orphan-request");
  }

  @Test
  void aStacItemWhoseJobIsGoneIsFound() {
    AdminFixtures.createItem(db.pool(), "landsat", "orphan-item", "job-removed-by-a-rebuild");
    assertOnlyCheckFails(IntegrityValidator.STAC_ITEMS_WITHOUT_JOB, "orphan-item");
  }

  @Test
  void aGeoTableWithoutMetadataIsFound() {
    Sql.update(db.pool(), "CREATE TABLE geo.unregistered (id int)");
    assertOnlyCheckFails(IntegrityValidator.GEO_TABLES_WITHOUT_METADATA, "unregistered");
  }

  @Test
  void metadataWithoutItsTableIsFound() {
    Sql.update(
        db.pool(),
        "INSERT INTO geo.table_metadata (schema_name, table_name, job_id) VALUES ('geo',"
            + " 'vanished', $1)",
        jobs.get(0));
    assertOnlyCheckFails(IntegrityValidator.METADATA_WITHOUT_TABLE, "vanished");
  }

  @Test
  void aCheckThatCannotRunFailsWithTheReason() {
    Sql.update(db.pool(), "ALTER TABLE geo.table_metadata RENAME TO table_metadata_moved");
    try {
      ValidationReport r = admin.validate();
      assertFalse(r.trusted());
      ValidationReport.Orphans o = r.check(IntegrityValidator.METADATA_WITHOUT_TABLE);
      assertFalse(o.passed());
      assertTrue(o.error().contains("table_metadata"), o.error());
    } finally {
      Sql.update(db.pool(), "ALTER TABLE geo.table_metadata_moved RENAME TO table_metadata");
    }
  }
}
