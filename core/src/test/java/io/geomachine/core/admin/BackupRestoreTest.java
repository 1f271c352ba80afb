package io.geomachine.core.admin;

import static io.geomachine.core.admin.AdminTestSupport.expectError;
import static io.geomachine.core.admin.AdminTestSupport.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backups to real Azurite and restores into the real database, checked table by table. */
class BackupRestoreTest {
  private static TestDatabase db;
  private static SchemaAdmin admin;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_backup");
    admin = AdminTestSupport.admin(db);
    assertTrue(admin.fullRebuild(true, false).succeeded());
    AdminFixtures.populate(db.pool());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void backupWipeRestoreGivesIdenticalTablesAndATrustedDatabase() {
    OperationReport backup = admin.backup();
    assertTrue(backup.succeeded(), backup.toString());
    String name = (String) ((Map<?, ?>) backup.result().get("backup")).get("name");
    Map<String, String> before = AdminTestSupport.checksums(db.pool(), "app", "pgstac");
    Map<String, String> userData = AdminTestSupport.userDataChecksums(db.pool());
    assertTrue(before.size() > 20, "app and pgstac tables, partitions included: " + before);
    assertTrue(before.get("\"app\".\"jobs\"").startsWith("2 rows"), before.toString());
    assertTrue(before.get("\"pgstac\".\"items\"").startsWith("4 rows"), before.toString());
    assertTrue(before.get("\"pgstac\".\"searches\"").startsWith("1 rows"), before.toString());

    Sql.update(db.pool(), "DROP SCHEMA app CASCADE");
    Sql.update(db.pool(), "DROP SCHEMA pgstac CASCADE");
    assertTrue(AdminTestSupport.checksums(db.pool(), "app", "pgstac").isEmpty());

    OperationReport restored = admin.restore(name, true, true);

    assertTrue(restored.succeeded(), restored.toString());
    assertEquals(
        StepResult.SKIPPED, restored.step("backup").status(), "nothing to back up after a wipe");
    assertEquals(before, AdminTestSupport.checksums(db.pool(), "app", "pgstac"));
    assertEquals(userData, AdminTestSupport.userDataChecksums(db.pool()));
    Map<String, Object> privileges = restored.step("pgstac_privileges").detail();
    assertTrue(((Number) privileges.get("grant_entries")).intValue() > 100, privileges.toString());
    assertEquals(0L, ((Number) privileges.get("errors")).longValue(), privileges.toString());
    assertEquals(0L, ((Number) privileges.get("not_owned_by_pgstac_admin")).longValue());
    ValidationReport validation = admin.validate();
    assertTrue(validation.trusted(), validation.toString());
    assertTrue(admin.verify().passed(), admin.verify().failed().toString());
    // pgstac works as its roles expect: owned by pgstac_admin, readable by pgstac_read
    assertEquals(
        "pgstac_admin",
        Sql.row(
                db.pool(),
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'pgstac'"
                    + " AND tablename = 'items'")
            .getString(0));
    assertTrue(
        Sql.row(db.pool(), "SELECT has_table_privilege('pgstac_read', 'pgstac.items', 'SELECT')")
            .getBoolean(0));
    assertTrue(
        Sql.row(
                db.pool(),
                "SELECT has_function_privilege('pgstac_read',"
                    + " 'pgstac.search(jsonb)', 'EXECUTE')")
            .getBoolean(0));
  }

  @Test
  void restoringOverLiveDataBacksItUpFirstAndReplacesIt() {
    OperationReport first = admin.backup();
    String name = (String) ((Map<?, ?>) first.result().get("backup")).get("name");
    Map<String, String> atBackup = AdminTestSupport.checksums(db.pool(), "app", "pgstac");
    String extra = Sql.newJobId();
    Sql.insertJob(db.pool(), extra, "queued", 1, 1);

    OperationReport restored = admin.restore(name, true, true);

    assertTrue(restored.succeeded(), restored.toString());
    assertEquals(StepResult.OK, restored.step("backup").status(), "live data was backed up");
    assertEquals(atBackup, AdminTestSupport.checksums(db.pool(), "app", "pgstac"));
    String safety = (String) ((Map<?, ?>) restored.result().get("backup")).get("name");
    assertNotEquals(name, safety);
  }

  @Test
  void backupsAreAppendOnlyTimestampedAndListedNewestFirst() throws Exception {
    String a = (String) ((Map<?, ?>) admin.backup().result().get("backup")).get("name");
    String b = (String) ((Map<?, ?>) admin.backup().result().get("backup")).get("name");
    assertNotEquals(a, b);
    assertTrue(a.matches("full_geomachine_test_admin_backup_\\d{8}T\\d{9}Z\\.dump"), a);
    List<BackupInfo> listed = admin.listBackups(false);
    List<String> names = listed.stream().map(BackupInfo::name).toList();
    assertTrue(names.indexOf(b) < names.indexOf(a), "newest first: " + names);
    BackupInfo info = listed.get(names.indexOf(b));
    assertTrue(info.sizeBytes() > 10_000, info.toString());
    assertEquals(List.of("app", "pgstac"), info.schemas());
    assertEquals("0.9.12", info.pgstacVersion());
    assertEquals(64, info.sha256().length());
    assertTrue(listed.stream().allMatch(x -> x.database().equals(db.name())));

    Path file = Files.createTempFile("overwrite-attempt", ".dump");
    try {
      Files.writeString(file, "not a dump");
      BlobStore blobs = AdminTestSupport.blobStore();
      expectError(
          "INVALID_STATE",
          () -> blobs.uploadNew(AdminTestSupport.TEST_CONTAINER, b, file, Map.of()));
      assertEquals(info.sizeBytes(), blobs.find(AdminTestSupport.TEST_CONTAINER, b).get().size());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void aDamagedBackupIsRefusedBeforeAnythingIsDropped() throws Exception {
    BackupInfo good = admin.listBackups(false).isEmpty() ? null : admin.listBackups(false).get(0);
    if (good == null) {
      admin.backup();
      good = admin.listBackups(false).get(0);
    }
    String damaged = "full_" + db.name() + "_19990101T000000000Z.dump";
    Path file = Files.createTempFile("damaged", ".dump");
    try {
      Files.writeString(file, "PGDMP but not really");
      BlobStore blobs = AdminTestSupport.blobStore();
      if (blobs.find(AdminTestSupport.TEST_CONTAINER, damaged).isEmpty()) {
        blobs.uploadNew(
            AdminTestSupport.TEST_CONTAINER,
            damaged,
            file,
            Map.of("database", db.name(), "sha256", good.sha256(), "schemas", "app,pgstac"));
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Map<String, String> before = AdminTestSupport.checksums(db.pool(), "app", "pgstac");

    GeoMachineException e =
        expectError("OPERATION_FAILED", () -> admin.restore(damaged, true, false));

    assertEquals("fetch_backup", report(e).get("failed_step"));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertEquals(before, AdminTestSupport.checksums(db.pool(), "app", "pgstac"));
  }

  @Test
  void restoreNeedsConfirmationAndAnExistingWellFormedName() {
    String name = (String) ((Map<?, ?>) admin.backup().result().get("backup")).get("name");
    GeoMachineException refused =
        expectError("CONFIRMATION_REQUIRED", () -> admin.restore(name, false, true));
    assertTrue(refused.details().get("plan").toString().contains(name));
    expectError(
        "NOT_FOUND",
        () -> admin.restore("full_" + db.name() + "_20000101T000000000Z.dump", true, true));
    expectError("INVALID_PARAMETERS", () -> admin.restore("../../etc/passwd", true, true));
  }
}
