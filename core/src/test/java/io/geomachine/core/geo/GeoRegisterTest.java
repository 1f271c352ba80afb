package io.geomachine.core.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The geo register and the staging schema: an old register table gains the new columns in place,
 * rows round-trip, and only the staging tables of ended or vanished jobs are dropped.
 */
class GeoRegisterTest {
  private static TestDatabase db;
  private final TableMetadataRepository metadata = new TableMetadataRepository();
  private final VectorStagingRepository staging = new VectorStagingRepository();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_geo_register");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void bootstrapUpgradesAnOldRegisterAndRowsRoundTrip() {
    Sql.update(db.pool(), "CREATE SCHEMA IF NOT EXISTS geo");
    Sql.update(db.pool(), TableMetadataRepository.CREATE_TABLE);
    Sql.update(
        db.pool(),
        "INSERT INTO geo.table_metadata (table_name, job_id) VALUES ('legacy', 'j0')"
            + " ON CONFLICT DO NOTHING");

    assertFalse(Sql.await(metadata.bootstrap(db.pool())), "the table existed");
    assertFalse(Sql.await(metadata.bootstrap(db.pool())), "bootstrap is idempotent");

    TableMetadata legacy = Sql.await(metadata.find(db.pool(), "geo", "legacy")).orElseThrow();
    assertEquals("j0", legacy.jobId());
    assertEquals(null, legacy.rowCount());
    TableMetadata m =
        new TableMetadata(
            "geo",
            "parcels",
            "job1",
            "process_vector",
            "system-vectors",
            "parcels",
            "geom",
            "MULTIPOLYGON",
            4326,
            12L,
            new double[] {1, 2, 3, 4},
            "a.gpkg",
            "gpkg",
            "EPSG:32633");
    Sql.await(metadata.upsert(db.pool(), m));
    Sql.await(metadata.upsert(db.pool(), m));
    TableMetadata back = Sql.await(metadata.find(db.pool(), "geo", "parcels")).orElseThrow();
    assertEquals(12L, back.rowCount());
    assertEquals("EPSG:32633", back.sourceCrs());
    assertArrayEquals(new double[] {1, 2, 3, 4}, back.extent());
    assertTrue(Sql.await(metadata.delete(db.pool(), "geo", "parcels")));
    assertEquals(Optional.empty(), Sql.await(metadata.find(db.pool(), "geo", "parcels")));
    assertEquals(
        1L,
        Sql.count(
            db.pool(),
            "SELECT count(*) FROM pg_namespace WHERE nspname = '"
                + VectorStagingRepository.SCHEMA
                + "'"));
  }

  @Test
  void onlyStagingTablesOfEndedOrVanishedJobsAreDropped() {
    Sql.update(db.pool(), "CREATE SCHEMA IF NOT EXISTS geo_staging");
    String failed = Sql.newJobId();
    String cancelled = Sql.newJobId();
    String running = Sql.newJobId();
    String vanished = Sql.newJobId();
    Sql.insertJob(db.pool(), failed, "failed", 2, 3);
    Sql.insertJob(db.pool(), cancelled, "cancelled", 2, 3);
    Sql.insertJob(db.pool(), running, "processing", 2, 3);
    for (String[] t :
        List.of(
            new String[] {"stg_failed", failed},
            new String[] {"stg_cancelled", cancelled},
            new String[] {"stg_running", running},
            new String[] {"stg_vanished", vanished})) {
      Sql.update(db.pool(), "CREATE TABLE geo_staging." + t[0] + " (x int)");
      Sql.update(db.pool(), "COMMENT ON TABLE geo_staging." + t[0] + " IS '" + t[1] + "'");
    }

    assertEquals(
        List.of("stg_vanished"),
        Sql.await(staging.dropStagingOfTerminalJobs(db.pool(), 3600, 100)),
        "a table whose job is gone goes at once; jobs that ended a moment ago keep theirs a while");
    List<String> dropped = Sql.await(staging.dropStagingOfTerminalJobs(db.pool(), 0, 100));

    assertEquals(List.of("stg_cancelled", "stg_failed"), dropped.stream().sorted().toList());
    assertEquals(
        List.of("stg_running"),
        Sql.rows(
                db.pool(),
                "SELECT tablename FROM pg_tables WHERE schemaname = 'geo_staging' ORDER BY 1")
            .stream()
            .map(r -> r.getString("tablename"))
            .toList());
    assertEquals(List.of(), Sql.await(staging.dropStagingOfTerminalJobs(db.pool(), 0, 100)));
  }
}
