package io.geomachine.core.admin;

import static io.geomachine.core.admin.AdminTestSupport.expectError;
import static io.geomachine.core.admin.AdminTestSupport.report;
import static io.geomachine.core.admin.AdminTestSupport.stepStatuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full rebuild and redeploys on a real database with real pgstac (pypgstac) and Azurite. */
class SchemaRebuildTest {
  private static TestDatabase db;
  private static SchemaAdmin admin;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_rebuild");
    admin = AdminTestSupport.admin(db);
    admin.fullRebuild(true, false);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void aFullRebuildTwiceInARowConvergesAndVerifiesEachTime() {
    for (int run = 1; run <= 2; run++) {
      OperationReport r = admin.fullRebuild(true, false);
      assertTrue(r.succeeded(), "run " + run + ": " + r);
      assertEquals(
          List.of(
              "preflight",
              "backup",
              "drop_app",
              "drop_pgstac",
              "deploy_app",
              "deploy_pgstac",
              "bootstrap_geo_h3",
              "grant_read_role",
              "system_collections",
              "verify",
              "geo_h3_untouched"),
          r.steps().stream().map(StepResult::name).toList());
      assertEquals(StepResult.SKIPPED, r.step("backup").status(), "backup=false was given");
      VerifyReport v = admin.verify();
      assertTrue(v.passed(), "run " + run + " failed checks " + v.failed());
      assertEquals(
          List.of(), v.checks().stream().filter(c -> !c.passed()).toList(), "every check passes");
    }
    assertEquals(
        1,
        Sql.count(
            db.pool(),
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
                + " JOIN pg_roles u ON u.oid = m.member"
                + " WHERE r.rolname = 'pgstac_read' AND u.rolname = 'geomachine_test_reader'"));
  }

  @Test
  void geoAndH3KeepTheirRowsAndChecksumsAcrossAFullRebuildWithBackup() {
    AdminTestSupport.createUserData(db.pool());
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "queued", 1, 2);
    Map<String, String> before = AdminTestSupport.userDataChecksums(db.pool());
    assertTrue(before.get("\"geo\".\"parcels\"").startsWith("250 rows"), before.toString());
    assertTrue(before.get("\"h3\".\"cells\"").startsWith("400 rows"), before.toString());

    OperationReport r = admin.fullRebuild(true, true);

    assertTrue(r.succeeded(), r.toString());
    assertEquals(StepResult.OK, r.step("backup").status());
    assertEquals(before, AdminTestSupport.userDataChecksums(db.pool()));
    assertEquals(0, Sql.count(db.pool(), "SELECT count(*) FROM app.jobs"), "app was rebuilt");
    @SuppressWarnings("unchecked")
    Map<String, Object> backup = (Map<String, Object>) r.result().get("backup");
    assertEquals(
        List.of("app", "pgstac"), backup.get("schemas"), "the backup holds the old app rows");
    assertTrue(
        admin.listBackups(false).stream().anyMatch(b -> b.name().equals(backup.get("name"))));
  }

  @Test
  void withoutConfirmationNothingChangesAndThePlanSaysWhatWouldHappen() {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "queued", 1, 2);
    for (Callable<?> op :
        List.<Callable<?>>of(
            () -> admin.fullRebuild(false, true),
            () -> admin.redeployApp(false, true),
            () -> admin.redeployPgstac(false, true),
            () -> admin.nukeStac(NukeMode.ALL, false, true))) {
      GeoMachineException e = expectError("CONFIRMATION_REQUIRED", op::call);
      @SuppressWarnings("unchecked")
      Map<String, Object> plan = (Map<String, Object>) e.details().get("plan");
      assertNotNull(plan, e.getMessage());
      assertEquals(true, plan.get("destructive"));
      assertFalse(((List<?>) plan.get("actions")).isEmpty());
      assertTrue(plan.get("untouched").toString().contains("geo"));
    }
    GeoMachineException e =
        expectError("CONFIRMATION_REQUIRED", () -> admin.fullRebuild(false, true));
    @SuppressWarnings("unchecked")
    Map<String, Object> plan = (Map<String, Object>) e.details().get("plan");
    String actions = plan.get("actions").toString();
    assertTrue(actions.contains("DROP SCHEMA app CASCADE"), actions);
    assertTrue(actions.contains("DROP SCHEMA pgstac CASCADE"), actions);
    assertTrue(actions.contains("back up app + pgstac"), actions);
    assertTrue(plan.get("current").toString().contains("jobs=1"), plan.get("current").toString());
    assertEquals(1, Sql.count(db.pool(), "SELECT count(*) FROM app.jobs WHERE job_id = $1", jobId));
  }

  @Test
  void aFailureMidRebuildStopsReportsAndIsRecoveredByRunningAgain() {
    AdminTestSupport.createUserData(db.pool());
    Map<String, String> userData = AdminTestSupport.userDataChecksums(db.pool());
    SchemaAdmin misconfigured =
        AdminTestSupport.admin(db, AdminTestSupport.settings().withPgstacVersion("0.9.99"));

    GeoMachineException e =
        expectError("OPERATION_FAILED", () -> misconfigured.fullRebuild(true, false));

    Map<String, Object> report = report(e);
    assertEquals("deploy_pgstac", report.get("failed_step"));
    Map<String, String> steps = stepStatuses(report);
    assertEquals("ok", steps.get("drop_pgstac"));
    assertEquals("ok", steps.get("deploy_app"));
    assertEquals("failed", steps.get("deploy_pgstac"));
    for (String later :
        List.of("bootstrap_geo_h3", "grant_read_role", "system_collections", "verify")) {
      assertEquals("skipped", steps.get(later), later);
    }
    assertFalse(admin.verify().passed(), "pgstac is gone after the failed run");
    assertEquals(userData, AdminTestSupport.userDataChecksums(db.pool()), "geo/h3 untouched");

    OperationReport again = admin.fullRebuild(true, false);

    assertTrue(again.succeeded(), again.toString());
    assertTrue(admin.verify().passed());
    assertEquals(userData, AdminTestSupport.userDataChecksums(db.pool()));
  }

  @Test
  void aMissingPypgstacIsFoundBeforeAnythingIsDropped() {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "queued", 1, 2);
    SchemaAdmin broken =
        AdminTestSupport.admin(
            db, AdminTestSupport.settings().withPypgstac("/nonexistent/bin/pypgstac"));

    GeoMachineException e = expectError("OPERATION_FAILED", () -> broken.fullRebuild(true, false));

    assertEquals("preflight", report(e).get("failed_step"));
    assertTrue(e.getMessage().contains("/nonexistent/bin/pypgstac"), e.getMessage());
    assertEquals(1, Sql.count(db.pool(), "SELECT count(*) FROM app.jobs WHERE job_id = $1", jobId));
    assertTrue(admin.verify().passed(), "nothing was dropped");
  }

  @Test
  void objectsOutsideThatDependOnAppOrPgstacBlockTheDrop() {
    Sql.update(db.pool(), "CREATE SCHEMA IF NOT EXISTS geo");
    Sql.update(db.pool(), "CREATE VIEW geo.item_ids AS SELECT id FROM pgstac.items");
    try {
      GeoMachineException e = expectError("OPERATION_FAILED", () -> admin.fullRebuild(true, false));
      assertEquals("preflight", report(e).get("failed_step"));
      assertTrue(report(e).toString().contains("geo.item_ids"), report(e).toString());
      assertEquals(
          1, Sql.count(db.pool(), "SELECT count(*) FROM pg_views WHERE viewname = 'item_ids'"));
    } finally {
      Sql.update(db.pool(), "DROP VIEW IF EXISTS geo.item_ids");
    }
  }

  @Test
  void aRebuildIsRefusedWhileAnotherOperationHoldsTheLock() throws Exception {
    SqlConnection other = Sql.await(db.pool().getConnection());
    try {
      Sql.await(
          other
              .preparedQuery("SELECT pg_advisory_lock($1, $2)")
              .execute(Tuple.of(AdminLock.KEY_CLASS, AdminLock.KEY_OBJECT)));
      GeoMachineException e =
          expectError("OPERATION_IN_PROGRESS", () -> admin.fullRebuild(true, false));
      @SuppressWarnings("unchecked")
      Map<String, Object> holder = (Map<String, Object>) e.details().get("holder");
      assertNotNull(holder.get("pid"), e.details().toString());
      expectError("OPERATION_IN_PROGRESS", () -> admin.backup());
    } finally {
      Sql.await(
          other
              .preparedQuery("SELECT pg_advisory_unlock($1, $2)")
              .execute(Tuple.of(AdminLock.KEY_CLASS, AdminLock.KEY_OBJECT)));
      Sql.await(other.close());
    }
    assertTrue(admin.redeployApp(true, false).succeeded(), "free again once the holder is gone");
  }

  @Test
  void twoRebuildsStartedTogetherRunOneAtATime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return admin.fullRebuild(true, false);
                  } catch (GeoMachineException e) {
                    return e;
                  }
                }));
      }
      start.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> f : runs) {
        outcomes.add(f.get());
      }
      long succeeded =
          outcomes.stream().filter(o -> o instanceof OperationReport r && r.succeeded()).count();
      long refused =
          outcomes.stream()
              .filter(
                  o ->
                      o instanceof GeoMachineException g
                          && g.code().name().equals("OPERATION_IN_PROGRESS"))
              .count();
      assertEquals(1, succeeded, outcomes.toString());
      assertEquals(1, refused, outcomes.toString());
    } finally {
      pool.shutdownNow();
    }
    assertTrue(admin.verify().passed());
  }

  @Test
  void redeployingAppAloneRecreatesItInOneTransaction() {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "queued", 1, 2);
    OperationReport r = admin.redeployApp(true, false);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(0, Sql.count(db.pool(), "SELECT count(*) FROM app.jobs"));
    assertTrue(admin.verify().passed(), admin.verify().failed().toString());
  }

  @Test
  void redeployingPgstacAloneReinstallsItWithTheSystemCollections() {
    Sql.update(
        db.pool(),
        "SELECT pgstac.create_collection('{\"id\": \"user-coll\", \"type\": \"Collection\","
            + " \"stac_version\": \"1.0.0\", \"description\": \"d\", \"license\": \"x\","
            + " \"extent\": {\"spatial\": {\"bbox\": [[0, 0, 1, 1]]},"
            + " \"temporal\": {\"interval\": [[null, null]]}}}'::jsonb)");
    OperationReport r = admin.redeployPgstac(true, false);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(
        List.of("system-rasters", "system-vectors"),
        Sql.rows(db.pool(), "SELECT id FROM pgstac.collections ORDER BY id").stream()
            .map(row -> row.getString("id"))
            .toList());
    assertTrue(admin.verify().passed());
  }
}
