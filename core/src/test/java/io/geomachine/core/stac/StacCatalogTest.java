package io.geomachine.core.stac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ETL's STAC writes against a real pgstac, through its functions. */
class StacCatalogTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static TestDatabase db;
  private final StacCatalog stac = new StacCatalog();

  @BeforeAll
  static void deploy() {
    db = TestDatabase.recreate("geomachine_test_stac_catalog");
    assertTrue(AdminTestSupport.admin(db).deploy().succeeded());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static JsonObject collection(String id, String description) {
    return StacDocuments.collection(
        id, null, description, StacDocuments.world(), "2020-01-01T00:00:00Z");
  }

  static JsonObject item(String collection, String id, String jobId, double x) {
    return new JsonObject()
        .put("type", "Feature")
        .put("stac_version", "1.0.0")
        .put("id", id)
        .put("collection", collection)
        .put("bbox", new JsonArray().add(x).add(1).add(x + 1).add(2))
        .put("geometry", StacDocuments.bboxPolygon(new double[] {x, 1, x + 1, 2}))
        .put(
            "properties",
            new JsonObject()
                .put("datetime", "2024-05-01T00:00:00Z")
                .put(StacCatalog.JOB_ID_PROPERTY, jobId))
        .put("links", new JsonArray())
        .put(
            "assets",
            new JsonObject().put("data", new JsonObject().put("href", "https://x/y.tif")));
  }

  @Test
  void collectionsAreCreatedOnceAndNeverOverwritten() {
    assertTrue(stac.ensureCollection(db.pool(), collection("c-once", "first")).await().atMost(T));
    assertFalse(stac.ensureCollection(db.pool(), collection("c-once", "second")).await().atMost(T));
    assertEquals(
        "first",
        Sql.row(
                db.pool(),
                "SELECT content->>'description' FROM pgstac.collections WHERE id = 'c-once'")
            .getString(0));
    assertFalse(
        stac.ensureCollection(db.pool(), collection("system-rasters", "hijack")).await().atMost(T),
        "the deploy created the system collection; a job does not replace it");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            stac.updateCollection(db.pool(), collection("system-rasters", "hijack"))
                .await()
                .atMost(T));
    assertTrue(
        !"hijack"
            .equals(
                Sql.row(
                        db.pool(),
                        "SELECT content->>'description' FROM pgstac.collections WHERE id = 'system-rasters'")
                    .getString(0)));
  }

  @Test
  void itemsAreUpsertedReadDeletedAndFoundByJob() {
    stac.ensureCollection(db.pool(), collection("c-items", "items")).await().atMost(T);
    stac.upsertItem(db.pool(), item("c-items", "i1", "job-a", 10)).await().atMost(T);
    stac.upsertItem(db.pool(), item("c-items", "i1", "job-a", 20)).await().atMost(T);
    stac.upsertItem(db.pool(), item("c-items", "i2", "job-b", 30)).await().atMost(T);
    JsonObject read = stac.item(db.pool(), "c-items", "i1").await().atMost(T).orElseThrow();
    assertEquals(20.0, read.getJsonArray("bbox").getDouble(0), "the upsert replaced the item");
    assertEquals("job-a", read.getJsonObject("properties").getString(StacCatalog.JOB_ID_PROPERTY));
    assertEquals(List.of("c-items/i1"), stac.itemsOfJob(db.pool(), "job-a").await().atMost(T));
    assertTrue(stac.deleteItem(db.pool(), "c-items", "i1").await().atMost(T));
    assertFalse(stac.deleteItem(db.pool(), "c-items", "i1").await().atMost(T));
    assertTrue(stac.item(db.pool(), "c-items", "i1").await().atMost(T).isEmpty());
    assertEquals(List.of("c-items/i2"), stac.itemsOfJob(db.pool(), "job-b").await().atMost(T));
  }
}
