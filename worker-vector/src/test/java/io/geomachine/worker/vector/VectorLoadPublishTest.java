package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.geo.TableMetadata;
import io.geomachine.core.geo.TableMetadataRepository;
import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stages 2 and 3 of process_vector on real PostGIS, pgstac and Azurite: chunks COPY'd into a
 * staging table (twice, and in parallel) leave exactly one copy of every row; publish swaps the
 * table into geo with its standard columns, trigger, indexes, register row and STAC item, and
 * removes the temp chunks; overwrite is atomic for readers; an existing table without overwrite
 * fails cleanly and its staging table is dropped once the job ended.
 */
class VectorLoadPublishTest {
  private static VectorFixture fx;
  private final StacCatalog stac = new StacCatalog();

  @BeforeAll
  static void setUp() {
    fx = new VectorFixture("geomachine_test_vector_publish");
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  private static long count(String sql, Object... args) {
    return Sql.count(fx.db.pool(), sql, args);
  }

  @Test
  void duplicateAndParallelLoadsLeaveOneCopyAndPublishMakesACompleteTable() throws Exception {
    VectorFixture.Prepared p = fx.prepare("parcels", 3, 40, 0, false, "geom");
    JsonObject first = fx.load(p, 0);
    JsonObject again = fx.load(p, 0);
    assertEquals(40, again.getLong("rows"));
    assertEquals(40, again.getLong("replaced_rows"), "the re-run replaced the first run's rows");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<JsonObject>> parallel = new ArrayList<>();
    for (int i : new int[] {1, 2, 2}) {
      parallel.add(pool.submit(() -> fx.load(p, i)));
    }
    List<JsonObject> results = new ArrayList<>(List.of(first));
    for (Future<JsonObject> f : parallel) {
      results.add(f.get());
    }
    pool.shutdown();
    String staging = "geo_staging." + p.manifest().stagingTable();
    assertEquals(120, count("SELECT count(*) FROM " + staging));
    String idCache =
        "SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('%s',"
            + " 'objectid')::regclass";
    // each loading session takes ids 1,000 at a time (parallel COPYs do not queue per row)
    assertEquals(1000, count(idCache.formatted(staging)));
    assertEquals(
        0,
        count("SELECT count(*) FROM pg_tables WHERE schemaname = 'geo' AND tablename = 'parcels'"),
        "nothing is visible in geo before publish");

    int stored = fx.blobs.list(VectorFixture.TEMP, VectorManifest.prefix(p.jobId())).size();
    JsonObject published = fx.publish(p, results.subList(0, 3));

    assertEquals(
        stored,
        published.getInteger("temp_blobs_removed"),
        "every chunk and the manifest removed, each counted once");
    assertEquals(120, count("SELECT count(*) FROM geo.parcels"));
    assertEquals(120, count("SELECT count(DISTINCT objectid) FROM geo.parcels"));
    assertEquals(1, count(idCache.formatted("geo.parcels")), "published: one id at a time again");
    assertEquals(
        1,
        count(
                "SELECT count(*) FROM (SELECT ST_AsBinary(geom), name, population, count(*) c"
                    + " FROM geo.parcels GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
            + 1,
        "no row is there twice");
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM geo.parcels WHERE source_file IS DISTINCT FROM"
                + " 'bronze/parcels.gpkg' OR source_format <> 'GPKG' OR source_crs <> 'EPSG:32633'"
                + " OR stac_item_id <> 'parcels' OR stac_collection_id <> 'system-vectors'"
                + " OR etl_job_id <> $1 OR etl_batch_id NOT LIKE $1 || ':%'"
                + " OR created_at IS NULL OR updated_at IS NULL",
            p.jobId()));
    assertEquals(3, count("SELECT count(DISTINCT etl_batch_id) FROM geo.parcels"));
    for (int i = 0; i < 3; i++) {
      assertEquals(
          40,
          count(
              "SELECT count(*) FROM geo.parcels WHERE etl_batch_id = $1",
              VectorManifest.batchId(p.jobId(), i)),
          "every row of chunk " + i + " carries its batch id (the load's setting)");
    }
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'geo'"
                + " AND table_name = 'parcels' AND column_default IS NOT NULL"
                + " AND column_name NOT IN ('objectid', 'created_at', 'updated_at')"),
        "the published table keeps no load-time defaults");
    Row r = Sql.row(fx.db.pool(), "SELECT * FROM geo.parcels WHERE population = 5000");
    assertEquals("place 5\ttab\\slash\nline é", r.getString("name"), "COPY escaping round-trips");
    assertEquals("2000-01-06", r.getLocalDate("founded").toString());
    assertFalse(r.getBoolean("is_capital"));
    assertEquals(
        1, count("SELECT count(*) FROM geo.parcels WHERE population = 7000 AND name IS NULL"));
    assertEquals(
        "MULTIPOLYGON",
        Sql.row(
                fx.db.pool(),
                "SELECT type FROM geometry_columns WHERE f_table_schema = 'geo'"
                    + " AND f_table_name = 'parcels' AND srid = 4326")
            .getString("type"));

    Sql.update(
        fx.db.pool(),
        "UPDATE geo.parcels SET population = -1 WHERE objectid = "
            + "(SELECT min(objectid) FROM geo.parcels)");
    assertEquals(
        1,
        count("SELECT count(*) FROM geo.parcels WHERE population = -1 AND updated_at > created_at"),
        "the trigger keeps updated_at current");

    Set<String> indexes = new TreeSet<>();
    Sql.rows(
            fx.db.pool(),
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'geo'"
                + " AND tablename = 'parcels'")
        .forEach(i -> indexes.add(i.getString("indexdef").replaceAll("^.* USING ", "")));
    for (String expected :
        List.of(
            "gist (geom)",
            "btree (stac_item_id)",
            "btree (stac_collection_id)",
            "btree (etl_job_id)",
            "btree (created_at)",
            "btree (name)",
            "btree (objectid)")) {
      assertTrue(indexes.contains(expected), expected + " missing in " + indexes);
    }
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'geo'"
                + " AND indexname = 'idx_parcels_geom_gist'"));
    assertEquals(
        "parcels_pkey (objectid)",
        Sql.row(
                fx.db.pool(),
                "SELECT c.conname || ' (' || a.attname || ')' AS k FROM pg_constraint c"
                    + " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                    + " WHERE c.conrelid = 'geo.parcels'::regclass AND c.contype = 'p'"
                    + " AND cardinality(c.conkey) = 1")
            .getString("k"),
        "the primary key on objectid, named after the table");

    double[] extent = extent("geo.parcels", "geom");
    TableMetadata m =
        Sql.await(new TableMetadataRepository().find(fx.db.pool(), "geo", "parcels")).orElseThrow();
    assertEquals(p.jobId(), m.jobId());
    assertEquals(120L, m.rowCount());
    assertEquals("MULTIPOLYGON", m.geometryType());
    assertEquals("parcels", m.stacItemId());
    assertArrayEquals(extent, m.extent());
    assertEquals(120, published.getLong("row_count"));

    JsonObject item = Sql.await(stac.item(fx.db.pool(), "system-vectors", "parcels")).orElseThrow();
    JsonArray bbox = item.getJsonArray("bbox");
    for (int i = 0; i < 4; i++) {
      assertEquals(extent[i], bbox.getDouble(i), 1e-9, "bbox[" + i + "]");
    }
    assertEquals(
        p.jobId(), item.getJsonObject("properties").getString(StacCatalog.JOB_ID_PROPERTY));
    assertEquals(
        "process_vector",
        item.getJsonObject("properties").getString(StacCatalog.JOB_TYPE_PROPERTY));
    assertEquals(
        "http://features.test/api/collections/geo.parcels/items",
        item.getJsonObject("assets").getJsonObject("features").getString("href"));
    assertTrue(
        item.getJsonObject("assets")
            .getJsonObject("table")
            .getString("href")
            .endsWith("/geomachine_test_vector_publish?schema=geo&table=parcels"));

    assertEquals(List.of(), fx.blobs.list(VectorFixture.TEMP, VectorManifest.prefix(p.jobId())));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM app.job_artifacts WHERE job_id = $1"
                + " AND removed_at IS NOT NULL",
            p.jobId()));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'geo_staging'"
                + " AND tablename = $1",
            p.manifest().stagingTable()));

    JsonObject rerun = fx.publish(p, results.subList(0, 3));
    assertEquals(published.getLong("row_count"), rerun.getLong("row_count"));
    assertEquals(120, count("SELECT count(*) FROM geo.parcels"), "a re-run publishes nothing new");
  }

  @Test
  void arcgisModeNamesTheGeometryShape() throws Exception {
    VectorFixture.Prepared p = fx.prepare("arc_parcels", 1, 10, 100, false, "shape");
    fx.loadAndPublish(p);
    assertEquals(10, count("SELECT count(*) FROM geo.arc_parcels WHERE shape IS NOT NULL"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema"
                + " = 'geo' AND table_name = 'arc_parcels' AND column_name = 'geom'"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'geo'"
                + " AND tablename = 'arc_parcels' AND indexdef LIKE '%USING gist (shape)'"));
    assertEquals(
        "MULTIPOLYGON",
        Sql.await(new TableMetadataRepository().find(fx.db.pool(), "geo", "arc_parcels"))
            .orElseThrow()
            .geometryType());
  }

  @Test
  void overwriteReplacesAtomicallyAndWithoutOverwriteTheTableExists() throws Exception {
    VectorFixture.Prepared v1 = fx.prepare("roads", 1, 30, 0, false, "geom");
    fx.loadAndPublish(v1);

    VectorFixture.Prepared refused = fx.prepare("roads", 1, 5, 0, false, "geom");
    JsonObject loaded = fx.load(refused, 0);
    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.publish(refused, List.of(loaded)));
    assertEquals("TABLE_EXISTS", f.code());
    assertFalse(f.retryable());
    assertEquals(30, count("SELECT count(*) FROM geo.roads"));
    assertEquals(
        v1.jobId(),
        Sql.await(new TableMetadataRepository().find(fx.db.pool(), "geo", "roads"))
            .orElseThrow()
            .jobId());
    assertEquals(List.of(), Sql.await(stac.itemsOfJob(fx.db.pool(), refused.jobId())));
    Sql.update(
        fx.db.pool(), "UPDATE app.jobs SET status = 'failed' WHERE job_id = $1", refused.jobId());
    List<String> dropped =
        Sql.await(new VectorStagingRepository().dropStagingOfTerminalJobs(fx.db.pool(), 0, 100));
    assertTrue(dropped.contains(refused.manifest().stagingTable()), dropped.toString());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'geo_staging'"
                + " AND tablename = $1",
            refused.manifest().stagingTable()));

    VectorFixture.Prepared v2 = fx.prepare("roads", 2, 40, 50, true, "geom");
    List<JsonObject> results = List.of(fx.load(v2, 0), fx.load(v2, 1));
    Set<Long> seen = new ConcurrentSkipListSet<>();
    List<String> errors = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  seen.add(count("SELECT count(*) FROM geo.roads"));
                } catch (RuntimeException e) {
                  errors.add(e.toString());
                }
              }
            });
    reader.start();
    Thread.sleep(100);
    fx.publish(v2, results);
    Thread.sleep(100);
    stop.set(true);
    reader.join();

    assertEquals(List.of(), errors, "a reader never fails during the swap");
    assertTrue(Set.of(30L, 80L).containsAll(seen), "a reader saw a partial table: " + seen);
    assertTrue(seen.contains(80L), seen.toString());
    assertEquals(80, count("SELECT count(*) FROM geo.roads"));
    assertEquals(80, count("SELECT count(*) FROM geo.roads WHERE etl_job_id = $1", v2.jobId()));
    JsonObject item = Sql.await(stac.item(fx.db.pool(), "system-vectors", "roads")).orElseThrow();
    assertEquals(
        v2.jobId(), item.getJsonObject("properties").getString(StacCatalog.JOB_ID_PROPERTY));
    assertEquals(
        List.of("system-vectors/roads"), Sql.await(stac.itemsOfJob(fx.db.pool(), v2.jobId())));
  }

  @Test
  void aCorruptChunkFailsForGoodAndLoadsNothing() throws Exception {
    VectorFixture.Prepared p =
        storedChunkFailsForGood(
            "broken",
            "0106000020E6100000\tname\tnot-a-number\t1.0\t2000-01-01\tt\n".getBytes(),
            "CHUNK_INVALID");
    TaskFailure publish = assertThrows(TaskFailure.class, () -> fx.publish(p, List.of()));
    assertEquals("LOAD_INCOMPLETE", publish.code());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'geo'"
                + " AND tablename = 'broken'"));
  }

  @Test
  void aChunkThatDoesNotDecompressFailsForGood() throws Exception {
    // a zstd frame header, then nothing of the frame it announces
    storedChunkFailsForGood(
        "truncated",
        new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x24, 0x10, 0x01, 0x02},
        "CHUNK_INVALID");
  }

  /**
   * A one-chunk job whose chunk blob holds {@code stored}: its load fails for good with {@code
   * code} (the message naming the chunk) and leaves the staging table empty.
   */
  private static VectorFixture.Prepared storedChunkFailsForGood(
      String table, byte[] stored, String code) throws Exception {
    VectorFixture.Prepared p = fx.prepare(table, 1, 5, 0, false, "geom");
    fx.blobs.uploadBytes(VectorFixture.TEMP, p.manifest().chunks().get(0).blob(), stored, null);
    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.load(p, 0));
    assertEquals(code, f.code(), f.getMessage());
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains(p.manifest().chunks().get(0).blob()), f.getMessage());
    assertEquals(0, count("SELECT count(*) FROM geo_staging." + p.manifest().stagingTable()));
    return p;
  }

  @Test
  void aMissingChunkFailsForGood() throws Exception {
    VectorFixture.Prepared p = fx.prepare("unstored", 1, 5, 0, false, "geom");
    fx.blobs.delete(VectorFixture.TEMP, p.manifest().chunks().get(0).blob());
    TaskFailure f = assertThrows(TaskFailure.class, () -> fx.load(p, 0));
    assertEquals("CHUNK_MISSING", f.code(), f.getMessage());
    assertFalse(f.retryable());
  }

  private static double[] extent(String table, String column) {
    Row r =
        Sql.row(
            fx.db.pool(),
            "SELECT ST_XMin(e) a, ST_YMin(e) b, ST_XMax(e) c, ST_YMax(e) d"
                + " FROM (SELECT ST_Extent("
                + column
                + ") e FROM "
                + table
                + ") s");
    return new double[] {r.getDouble("a"), r.getDouble("b"), r.getDouble("c"), r.getDouble("d")};
  }

  private static void assertArrayEquals(double[] expected, double[] actual) {
    assertNotNull(actual);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, 1e-9);
  }
}
