package io.geomachine.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** STAC nukes delete what their mode says, keep the schema, and leave a catalog that verifies. */
class StacNukeTest {
  private static TestDatabase db;
  private static SchemaAdmin admin;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_nuke");
    admin = AdminTestSupport.admin(db);
  }

  @BeforeEach
  void freshCatalog() {
    assertTrue(admin.fullRebuild(true, false).succeeded());
    AdminFixtures.populate(db.pool());
    Sql.update(
        db.pool(),
        "UPDATE pgstac.collections SET content = content || '{\"title\": \"edited\"}'"
            + " WHERE id = 'system-rasters'");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static List<String> collections() {
    return Sql.rows(db.pool(), "SELECT id FROM pgstac.collections ORDER BY id").stream()
        .map(r -> r.getString("id"))
        .toList();
  }

  private static long count(String table) {
    return Sql.count(db.pool(), "SELECT count(*) FROM pgstac." + table);
  }

  @Test
  void itemsModeDeletesEveryItemAndKeepsEveryCollection() {
    OperationReport r = admin.nukeStac(NukeMode.ITEMS, true, true);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(4, ((Number) r.result().get("items_deleted")).intValue());
    assertEquals(0, count("items"));
    assertEquals(List.of("landsat", "system-rasters", "system-vectors"), collections());
    assertEquals(1, count("searches"), "registered searches stay");
    assertEquals(StepResult.OK, r.step("backup").status());
  }

  @Test
  void collectionsModeKeepsOnlyTheSystemCollections() {
    OperationReport r = admin.nukeStac(NukeMode.COLLECTIONS, true, false);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(0, count("items"));
    assertEquals(List.of("system-rasters", "system-vectors"), collections());
    assertEquals(
        "edited",
        Sql.row(
                db.pool(),
                "SELECT content->>'title' FROM pgstac.collections WHERE id = $1",
                "system-rasters")
            .getString(0),
        "system collections are kept as they are");
    assertTrue(admin.verify().passed());
  }

  @Test
  void allModeDeletesEverythingAndRecreatesTheSystemCollectionsFromCode() {
    assertTrue(
        Sql.count(
                db.pool(),
                "SELECT count(*) FROM pgstac.partitions_view WHERE collection = 'landsat'")
            > 0);
    OperationReport r = admin.nukeStac(NukeMode.ALL, true, false);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(0, count("items"));
    assertEquals(0, count("searches"));
    assertEquals(List.of("system-rasters", "system-vectors"), collections());
    assertEquals(
        "System STAC - Raster Files",
        Sql.row(
                db.pool(),
                "SELECT content->>'title' FROM pgstac.collections WHERE id = $1",
                "system-rasters")
            .getString(0));
    assertEquals(
        0,
        Sql.count(
            db.pool(),
            "SELECT count(*) FROM pgstac.partitions_view"
                + " WHERE collection NOT IN (SELECT id FROM pgstac.collections)"),
        "no partitions of deleted collections are left behind");
    assertTrue(admin.verify().passed(), admin.verify().failed().toString());
  }

  @Test
  void aNukeWithoutModeIsInvalid() {
    AdminTestSupport.expectError("INVALID_PARAMETERS", () -> admin.nukeStac(null, true, true));
  }
}
