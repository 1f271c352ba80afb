package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.geo.TableMetadata;
import io.geomachine.core.geo.TableMetadataRepository;
import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publish's lanes on real PostGIS and pgstac: with one lane or two, the table gets every index
 * under its published name and its register row matches the data; a re-run after a crash that left
 * some indexes built finishes the rest; a table without geometry (EMPTY_LAYER) and a unique index
 * the data violates (INVALID_INDEX) fail before anything reaches geo, with no statement left
 * running on the staging table, which the cleanup can then drop.
 */
class VectorPublishLanesTest {
  private static VectorFixture fx;
  private static VectorPublishHandler oneLane;
  private final StacCatalog stac = new StacCatalog();

  @BeforeAll
  static void setUp() {
    fx = new VectorFixture("geomachine_test_vector_lanes");
    oneLane = new VectorPublishHandler(fx.db.pool(), fx.blobs, VectorFixture.TEMP, fx.items, 1);
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  private static long count(String sql, Object... args) {
    return Sql.count(fx.db.pool(), sql, args);
  }

  private static JsonArray userIndexes() {
    return new JsonArray()
        .add(new JsonObject().put("columns", new JsonArray().add("name")))
        .add(new JsonObject().put("columns", new JsonArray().add("population")).put("type", "brin"))
        .add(
            new JsonObject()
                .put("columns", new JsonArray().add("founded").add("is_capital"))
                .put("unique", true));
  }

  @Test
  void oneLaneOrTwoPublishEveryIndexUnderItsNameAndTheRegisterMatchesTheData() throws Exception {
    VectorFixture.Prepared one = fx.prepare("lanes_one", 2, 25, 0, false, "geom", userIndexes());
    JsonObject first = VectorFixture.publish(oneLane, one, fx.loadAll(one));
    VectorFixture.Prepared two = fx.prepare("lanes_two", 2, 25, 10, false, "geom", userIndexes());
    JsonObject second = fx.loadAndPublish(two);

    for (String table : List.of("lanes_one", "lanes_two")) {
      Set<String> names = new TreeSet<>();
      Sql.rows(
              fx.db.pool(),
              "SELECT indexname FROM pg_indexes WHERE schemaname = 'geo' AND tablename = $1",
              table)
          .forEach(r -> names.add(r.getString("indexname")));
      assertEquals(
          new TreeSet<>(
              List.of(
                  "idx_" + table + "_geom_gist",
                  "idx_" + table + "_stac_item_id",
                  "idx_" + table + "_stac_collection_id",
                  "idx_" + table + "_etl_job_id",
                  "idx_" + table + "_created_at",
                  "idx_" + table + "_name",
                  "idx_" + table + "_population_brin",
                  "idx_" + table + "_founded_is_capital",
                  table + "_pkey")),
          names);
      assertEquals(
          0,
          count(
              "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname = 'geo' AND c.relname LIKE $1 AND NOT i.indisvalid",
              "%" + table + "%"),
          "every index is valid");
      TableMetadata m =
          Sql.await(new TableMetadataRepository().find(fx.db.pool(), "geo", table)).orElseThrow();
      assertEquals(50L, m.rowCount());
      assertEquals(count("SELECT count(*) FROM geo." + table), m.rowCount());
      Row e =
          Sql.row(
              fx.db.pool(),
              "SELECT ST_XMin(e) a, ST_YMin(e) b, ST_XMax(e) c, ST_YMax(e) d"
                  + " FROM (SELECT ST_Extent(geom) e FROM geo."
                  + table
                  + ") s");
      assertArrayEquals(
          new double[] {e.getDouble("a"), e.getDouble("b"), e.getDouble("c"), e.getDouble("d")},
          m.extent(),
          1e-9);
    }
    assertEquals(
        0,
        count("SELECT count(*) FROM geo_staging.loaded_batches"),
        "the swap forgets the published tables' batches");
    for (JsonObject result : List.of(first, second)) {
      assertEquals(50, result.getLong("row_count"));
      JsonObject timings = result.getJsonObject("timings_ms");
      assertEquals(
          Set.of("check", "repair", "indexes_and_stats", "swap", "cleanup", "total"),
          timings.fieldNames(),
          timings.encode());
      long laps = 0;
      for (String lap : List.of("check", "indexes_and_stats", "swap", "cleanup")) {
        assertTrue(timings.getLong(lap) >= 0, timings.encode());
        laps += timings.getLong(lap);
      }
      assertTrue(timings.getLong("total") >= laps, timings.encode());
    }
  }

  @Test
  void aReRunAfterACrashMidBuildFinishesTheIndexes() throws Exception {
    VectorFixture.Prepared p = fx.prepare("lanes_rerun", 1, 20, 0, false, "geom");
    List<JsonObject> loads = fx.loadAll(p);
    GeoTableBuilder table = new GeoTableBuilder(VectorTableSpec.of(p.manifest().toJson()));
    // the crashed attempt got as far as the GIST index and the primary key's
    for (GeoTableBuilder.IndexDef built : List.of(table.indexes().get(0), table.primaryKey())) {
      Sql.update(fx.db.pool(), built.createSql());
    }

    JsonObject published = fx.publish(p, loads);

    assertEquals(20, published.getLong("row_count"));
    assertEquals(
        7,
        count(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'geo' AND tablename = $1",
            "lanes_rerun"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'geo'"
                + " AND indexname = 'idx_lanes_rerun_geom_gist'"));
  }

  @Test
  void aTableWithoutGeometriesFailsWithEmptyLayerAndPublishesNothing() throws Exception {
    VectorFixture.Prepared p = fx.prepare("lanes_empty", 1, 3, 0, false, "geom");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      rows.append("\\N\tplace ").append(i).append("\t").append(i).append("\t1.5\t2000-01-01\tt\n");
    }
    fx.blobs.uploadBytes(
        VectorFixture.TEMP,
        p.manifest().chunks().get(0).blob(),
        rows.toString().getBytes(StandardCharsets.UTF_8),
        null);
    List<JsonObject> loads = fx.loadAll(p);

    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.publish(p, loads));

    assertEquals("EMPTY_LAYER", f.code());
    assertFalse(f.retryable());
    assertNothingPublished(p, "lanes_empty");
  }

  @Test
  void aUniqueIndexTheDataViolatesFailsWithInvalidIndexAndLeavesNoBuildRunning() throws Exception {
    JsonArray indexes =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("columns", new JsonArray().add("is_capital"))
                    .put("unique", true));
    VectorFixture.Prepared p = fx.prepare("lanes_dupes", 2, 400, 0, false, "geom", indexes);
    List<JsonObject> loads = fx.loadAll(p);

    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.publish(p, loads));

    assertEquals("INVALID_INDEX", f.code());
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains("idx_lanes_dupes_is_capital"), f.getMessage());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE $1",
            "%" + p.manifest().stagingTable() + "%"),
        "the other lane's builds ended with the failure");
    assertNothingPublished(p, "lanes_dupes");
  }

  /** Nothing reached geo, the register or STAC, and the cleanup drops the staging table at once. */
  private void assertNothingPublished(VectorFixture.Prepared p, String table) {
    assertEquals(
        0,
        count("SELECT count(*) FROM pg_tables WHERE schemaname = 'geo' AND tablename = $1", table));
    assertTrue(
        Sql.await(new TableMetadataRepository().find(fx.db.pool(), "geo", table)).isEmpty(),
        "no register row");
    assertEquals(List.of(), Sql.await(stac.itemsOfJob(fx.db.pool(), p.jobId())));
    Sql.update(fx.db.pool(), "UPDATE app.jobs SET status = 'failed' WHERE job_id = $1", p.jobId());
    List<String> dropped =
        Sql.await(new VectorStagingRepository().dropStagingOfTerminalJobs(fx.db.pool(), 0, 100));
    assertTrue(dropped.contains(p.manifest().stagingTable()), dropped.toString());
  }
}
