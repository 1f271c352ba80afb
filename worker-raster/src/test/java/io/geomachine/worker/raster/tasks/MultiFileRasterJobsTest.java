package io.geomachine.worker.raster.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.storage.StorageLayout;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterInspector;
import io.geomachine.worker.raster.engine.TestRasters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-file raster jobs end to end through CoreMachine (real planners and stage advance) with
 * the worker's handlers on real GDAL, Azurite and pgstac: a large raster cut into tiles, a
 * collection paired by identity, a container catalogued, and bad input leaving nothing behind.
 */
class MultiFileRasterJobsTest {
  static final Duration T = Duration.ofSeconds(60);
  static final String BRONZE = "test-rb-bronze";
  static final StorageLayout LAYOUT =
      new StorageLayout("test-rb-cogs", "test-rb-mosaics", "test-rb-temp");
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path dir;
  @TempDir static Path work;
  static TestDatabase db;
  static BlobStore store;
  static TestRasters rasters;
  static JobRunner runner;
  static final Gdal GDAL = new Gdal(Duration.ofMinutes(2));

  @BeforeAll
  static void setUp() {
    db = TestDatabase.recreate("geomachine_test_raster_multi");
    assertTrue(AdminTestSupport.admin(db).deploy().succeeded());
    store = AdminTestSupport.blobStore();
    store.ensureContainer(BRONZE);
    rasters = new TestRasters(dir);
    RasterTaskContext raster =
        new RasterTaskContext(store, db.pool(), LAYOUT, GDAL, work, 50_000_000);
    TilingContext tiling =
        TilingContext.create(raster, AdminTestSupport.blobSettings(), 64L << 20, 64, true);
    List<TaskHandler> handlers =
        List.of(
            new ValidateRasterHandler(raster),
            new CreateCogHandler(raster),
            new RasterStacItemHandler(raster),
            new TilingSchemeHandler(tiling),
            new TileCogHandler(tiling),
            new MosaicFinishHandler(tiling),
            new StacContainerListHandler(store),
            new StacContainerItemHandler(tiling),
            new StacContainerFinishHandler(tiling));
    runner = new JobRunner(db.pool(), handlers);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static String upload(Path file, String name) {
    String blob = RUN + "/" + name;
    store.upload(BRONZE, blob, file, null);
    return blob;
  }

  /** A 1024x1024 Float32 elevation raster in UTM 33N, 10 m pixels. */
  static Path largeDem() {
    Path out = dir.resolve("large-dem.tif");
    tool(
        List.of(
            "gdal_translate",
            "-q",
            "-outsize",
            "1024",
            "1024",
            "-r",
            "bilinear",
            "-a_srs",
            "EPSG:32633",
            "-a_ullr",
            "500000",
            "5010240",
            "510240",
            "5000000",
            rasters.demFloat32("dem-src").toString(),
            out.toString()));
    return out;
  }

  /** Runs a GDAL tool to make test data; fails the test if it fails. */
  static void tool(List<String> cmd) {
    try {
      ProcessRunner.Result r =
          ProcessRunner.run(cmd, Map.of("GDAL_PAM_ENABLED", "NO"), Duration.ofMinutes(2), null);
      assertTrue(r.ok(), r.describeFailure());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject json(String container, String blob) {
    return new JsonObject(new String(store.downloadBytes(container, blob), StandardCharsets.UTF_8));
  }

  static RasterInfo validCog(String container, String blob) throws Exception {
    Path local = dir.resolve("check-" + UUID.randomUUID() + ".tif");
    store.download(container, blob, local);
    return new CogValidator(GDAL).validate(local, blob);
  }

  static JsonObject item(String collection, String id) {
    return new StacCatalog().item(db.pool(), collection, id).await().atMost(T).orElseThrow();
  }

  static void assertBbox(double[] expected, JsonArray actual, double tolerance) {
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], actual.getDouble(i), tolerance, "bbox[" + i + "] " + actual);
    }
  }

  @Test
  void aLargeRasterBecomesTileCogsWhoseMosaicAndItemsCoverTheSourceExactly() throws Exception {
    Path source = largeDem();
    String blob = upload(source, "large/dem.tif");
    RasterInfo src = new RasterInspector(GDAL).metadata(source);
    String collection = "rb-large-" + RUN;

    Job job =
        runner.run(
            "process_large_raster_v2",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", blob)
                .put("tile_size", 512)
                .put("target_crs", "native")
                .put("collection_id", collection));

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    JsonObject result = job.resultData();
    assertEquals(4, result.getInteger("tile_count"));
    assertEquals("vsiaz", result.getString("read_mode"), "windows are read from blob storage");
    assertEquals(4, result.getInteger("item_count"));
    // every tile is a valid COG; together they cover the source's bounds with no gap or overlap
    double area = 0;
    double[] union = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    Set<String> hrefs = new HashSet<>();
    String prefix = "dem/" + job.jobId().substring(0, 16) + "/";
    for (String tile : List.of("tile_0_0", "tile_0_1", "tile_1_0", "tile_1_1")) {
      RasterInfo cog = validCog(LAYOUT.cogContainer(), prefix + tile + ".tif");
      assertEquals(32633, cog.epsg());
      assertEquals(512, cog.width());
      double[] b = cog.boundsNative();
      area += (b[2] - b[0]) * (b[3] - b[1]);
      union =
          new double[] {
            Math.min(union[0], b[0]), Math.min(union[1], b[1]),
            Math.max(union[2], b[2]), Math.max(union[3], b[3])
          };
      JsonObject item = item(collection, collection + "-" + tile);
      assertBbox(cog.bbox4326(), item.getJsonArray("bbox"), 1e-9);
      assertEquals(job.jobId(), item.getJsonObject("properties").getString("app:job_id"));
      assertEquals(
          "process_large_raster", item.getJsonObject("properties").getString("app:job_type"));
      hrefs.add(item.getJsonObject("assets").getJsonObject("data").getString("href"));
    }
    double[] sb = src.boundsNative();
    for (int i = 0; i < 4; i++) {
      assertEquals(sb[i], union[i], 1e-6, "union of tile bounds vs source bounds");
    }
    assertEquals((sb[2] - sb[0]) * (sb[3] - sb[1]), area, 1e-3, "tiles overlap or leave gaps");

    JsonObject mosaic = json(LAYOUT.mosaicContainer(), prefix + "mosaic.json");
    assertEquals("0.0.3", mosaic.getString("mosaicjson"));
    Set<String> listed = new HashSet<>();
    mosaic
        .getJsonObject("tiles")
        .forEach(e -> ((JsonArray) e.getValue()).forEach(u -> listed.add((String) u)));
    assertEquals(hrefs, listed, "the MosaicJSON lists exactly the tile COGs");
    assertBbox(src.bbox4326(), mosaic.getJsonArray("bounds"), 1e-6);
    assertTrue(mosaic.getInteger("minzoom") <= mosaic.getInteger("maxzoom"));
    assertEquals(
        mosaic.getJsonObject("tiles").size(),
        mosaic.getJsonObject("tiles").fieldNames().stream()
            .filter(k -> k.length() == mosaic.getInteger("quadkey_zoom"))
            .count());

    JsonObject extent = collectionBbox(collection);
    assertBbox(src.bbox4326(), extent.getJsonArray("bbox"), 1e-6);
    // the scheme was an intermediate: recorded, removed at the end
    assertEquals(
        List.of(), store.list(LAYOUT.tempContainer(), "raster_tiles/" + job.jobId() + "/"));
    assertEquals(
        1,
        Sql.count(
            db.pool(),
            "SELECT count(*) FROM app.job_artifacts WHERE job_id = $1 AND removed_at IS NOT NULL",
            job.jobId()));
  }

  /** Runs a collection job over {@code blobs} (in that order); its result's COGs by blob. */
  static Map<String, JsonObject> collection(List<String> blobs, String collectionId) {
    Job job =
        runner.run(
            "process_raster_collection_v2",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_list", new JsonArray(new ArrayList<>(blobs)))
                .put("collection_id", collectionId));
    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    Map<String, JsonObject> byBlob = new HashMap<>();
    for (Object o : job.resultData().getJsonArray("cogs")) {
      JsonObject c = (JsonObject) o;
      byBlob.put(c.getString("blob_name"), c.put("job_id", job.jobId()));
    }
    return byBlob;
  }

  @Test
  void aCollectionPairsEachCogWithItsOwnBlobWhateverTheListOrder() throws Exception {
    List<String> blobs =
        new ArrayList<>(
            List.of(
                upload(rasters.rgbUtm("c-rgb"), "coll/rgb_utm.tif"),
                upload(rasters.demFloat32("c-dem"), "coll/dem.tif"),
                upload(rasters.categorical("c-cat"), "coll/classes/landcover.tif")));
    Map<String, JsonObject> first = collection(blobs, "rb-coll-a-" + RUN);
    Collections.reverse(blobs);
    Collections.swap(blobs, 0, 1);
    Map<String, JsonObject> second = collection(blobs, "rb-coll-b-" + RUN);

    assertEquals(3, first.size());
    assertEquals(first.keySet(), second.keySet());
    for (String blob : blobs) {
      JsonObject a = first.get(blob);
      JsonObject b = second.get(blob);
      assertEquals(TaskIds.indexFor(blob), a.getString("task_index"));
      assertEquals(a.getString("task_index"), b.getString("task_index"));
      String stem = blob.substring(blob.lastIndexOf('/') + 1).replace(".tif", "_cog.tif");
      assertTrue(a.getString("cog_blob").endsWith("/" + stem), a.encode());
      assertTrue(b.getString("cog_blob").endsWith("/" + stem), b.encode());
      RasterInfo cog = validCog(LAYOUT.cogContainer(), a.getString("cog_blob"));
      assertEquals(4326, cog.epsg(), "reprojected to the default target CRS");
      String collection = "rb-coll-a-" + RUN;
      String itemId =
          collection
              + "-"
              + io.geomachine.core.job.raster.ProcessRasterCollectionJob.outputName(blob);
      JsonObject item = item(collection, itemId);
      assertBbox(cog.bbox4326(), item.getJsonArray("bbox"), 1e-9);
      assertEquals(blob, item.getJsonObject("properties").getString("app:source_blob"));
    }
    JsonObject mosaic =
        json(
            LAYOUT.mosaicContainer(),
            "rb-coll-a-"
                + RUN
                + "/"
                + first.values().iterator().next().getString("job_id").substring(0, 16)
                + "/mosaic.json");
    Set<String> listed = new HashSet<>();
    mosaic
        .getJsonObject("tiles")
        .forEach(e -> ((JsonArray) e.getValue()).forEach(u -> listed.add((String) u)));
    assertEquals(3, listed.size());
  }

  @Test
  void aBadBlobFailsTheCollectionWithItsCodeAndLeavesNoMosaicOrItems() throws Exception {
    String good = upload(rasters.demFloat32("bad-good"), "bad/good.tif");
    String bad = upload(rasters.notARaster("bad-bad"), "bad/not-a-raster.tif");
    String collection = "rb-bad-" + RUN;

    Job job =
        runner.run(
            "process_raster_collection",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_list", new JsonArray().add(good).add(bad))
                .put("collection_id", collection));

    assertEquals(JobStatus.FAILED, job.status());
    assertTrue(job.errorDetails().contains("FILE_UNREADABLE"), job.errorDetails());
    assertTrue(job.errorDetails().contains("not-a-raster.tif"), job.errorDetails());
    assertEquals(List.of(), new StacCatalog().itemsOfJob(db.pool(), job.jobId()).await().atMost(T));
    String prefix = collection + "/" + job.jobId().substring(0, 16) + "/";
    assertEquals(List.of(), store.list(LAYOUT.mosaicContainer(), prefix));
    assertEquals(List.of(), store.list(LAYOUT.cogContainer(), prefix));
  }

  @Test
  void aContainerIsCataloguedOnceWithNonCogsReportedAndAnEmptyOneCompletes() throws Exception {
    String container = "test-rb-catalog-" + RUN;
    store.ensureContainer(container);
    Path cogA = dir.resolve("cat-a.tif");
    Path cogB = dir.resolve("cat-b.tif");
    tool(
        List.of(
            "gdal_translate",
            "-q",
            "-of",
            "COG",
            rasters.rgbUtm("cat-a-src").toString(),
            cogA.toString()));
    tool(
        List.of(
            "gdal_translate",
            "-q",
            "-of",
            "COG",
            rasters.demFloat32("cat-b-src").toString(),
            cogB.toString()));
    store.upload(container, "scenes/a.tif", cogA, null);
    store.upload(container, "scenes/b.TIF", cogB, null);
    store.upload(container, "scenes/striped.tif", rasters.demFloat32("cat-striped"), null);
    store.upload(container, "scenes/readme.txt", rasters.notARaster("cat-txt"), null);
    String collection = "rb-catalog-" + RUN;
    JsonObject params =
        new JsonObject().put("container_name", container).put("collection_id", collection);

    Job job = runner.run("stac_catalog_container", params);

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    JsonObject r = job.resultData();
    assertEquals(3, r.getInteger("blobs_listed"), "the .txt is filtered out");
    assertEquals(2, r.getInteger("item_count"));
    JsonArray notCogs = r.getJsonArray("not_cogs");
    assertEquals(1, notCogs.size());
    assertEquals("scenes/striped.tif", notCogs.getJsonObject(0).getString("blob_name"));
    assertTrue(
        notCogs.getJsonObject(0).getString("reason").contains("not a valid COG"), notCogs.encode());
    for (Object id : r.getJsonArray("items")) {
      JsonObject item = item(collection, (String) id);
      String href = item.getJsonObject("assets").getJsonObject("data").getString("href");
      assertTrue(href.startsWith(store.url(container, "scenes/")), href);
      assertNotNull(item.getJsonArray("bbox"));
    }
    long items = itemCount(collection);
    assertEquals(2, items);

    // a second run (another job: a different limit) upserts the same items: no duplicates
    Job again = runner.run("stac_catalog_container", params.copy().put("file_limit", 50));
    assertEquals(JobStatus.COMPLETED, again.status(), again.errorDetails());
    assertEquals(2, again.resultData().getInteger("item_count"));
    assertEquals(2, itemCount(collection));

    Job empty =
        runner.run(
            "stac_catalog_container",
            new JsonObject().put("container_name", "test-rb-empty-" + RUN));
    assertEquals(JobStatus.COMPLETED, empty.status(), empty.errorDetails());
    assertEquals(0, empty.resultData().getInteger("item_count"));
    assertEquals(0, empty.resultData().getInteger("blobs_listed"));
    assertEquals(0, empty.stageResults().getJsonObject("2").getInteger("task_count"));
    assertFalse(
        Sql.count(
                db.pool(),
                "SELECT count(*) FROM pgstac.collections WHERE id = $1",
                "test-rb-empty-" + RUN)
            > 0,
        "nothing catalogued, no collection created");
  }

  @Test
  void processRasterTilesASourceAboveTheSingleFileLimitAndNotOneBelowIt() throws Exception {
    // a worker whose single-file limit is 1 MB and whose automatic tiles hold 1 MiB of pixels
    RasterTaskContext limited =
        new RasterTaskContext(store, db.pool(), LAYOUT, GDAL, work, 1_000_000);
    TilingContext tiling =
        TilingContext.create(limited, AdminTestSupport.blobSettings(), 1L << 20, 64, true);
    JobRunner routed =
        new JobRunner(
            db.pool(),
            List.of(
                new RoutedRasterHandlers.Validate(tiling),
                new RoutedRasterHandlers.Cog(tiling),
                new RasterStacItemHandler(limited),
                new MosaicFinishHandler(tiling)));
    String big = upload(largeDem(), "auto/big.tif");
    String small = upload(rasters.demFloat32("auto-small"), "auto/small.tif");
    String collection = "rb-auto-" + RUN;

    Job tiled =
        routed.run(
            "process_raster",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", big)
                .put("collection_id", collection));
    Job single =
        routed.run(
            "process_raster",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", small)
                .put("collection_id", collection));

    assertEquals(JobStatus.COMPLETED, tiled.status(), tiled.errorDetails());
    JsonObject t = tiled.resultData();
    assertEquals("tiled", t.getString("mode"));
    JsonObject grid = t.getJsonObject("grid");
    assertEquals(512, grid.getInteger("tile_size"), "automatic tiles of 1 MiB of Float32");
    int rows = grid.getInteger("rows");
    int cols = grid.getInteger("columns");
    assertTrue(rows * cols >= 4, grid.encode());
    assertEquals(rows * cols, t.getInteger("tile_count"));
    assertEquals(rows * cols, t.getInteger("item_count"));
    assertNotNull(t.getString("mosaicjson_url"));
    // the reprojected tiles abut exactly (cut from one target grid) and cover the source
    double area = 0;
    double[] union = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        String tile = "tile_" + r + "_" + c;
        RasterInfo cog =
            validCog(
                LAYOUT.cogContainer(),
                "big/" + tiled.jobId().substring(0, 16) + "/" + tile + ".tif");
        assertEquals(4326, cog.epsg(), "tiles in the default target CRS");
        double[] b = cog.boundsNative();
        area += (b[2] - b[0]) * (b[3] - b[1]);
        union =
            new double[] {
              Math.min(union[0], b[0]), Math.min(union[1], b[1]),
              Math.max(union[2], b[2]), Math.max(union[3], b[3])
            };
        assertBbox(
            cog.bbox4326(), item(collection, collection + "-" + tile).getJsonArray("bbox"), 1e-9);
      }
    }
    assertEquals((union[2] - union[0]) * (union[3] - union[1]), area, 1e-12, "gaps or overlaps");
    double[] source = new RasterInspector(GDAL).metadata(dir.resolve("large-dem.tif")).bbox4326();
    double pixel = (union[2] - union[0]) / grid.getInteger("width");
    assertTrue(union[0] <= source[0] + pixel && union[1] <= source[1] + pixel, "covers the source");
    assertTrue(union[2] >= source[2] - pixel && union[3] >= source[3] - pixel, "covers the source");
    assertEquals(JobStatus.COMPLETED, single.status(), single.errorDetails());
    JsonObject s = single.resultData();
    assertEquals("single", s.getString("mode"));
    assertTrue(s.getJsonObject("cog").getString("cog_blob").endsWith("auto/small_cog.tif"));
    assertEquals(0, single.stageResults().getJsonObject("4").getInteger("task_count"));
  }

  static long itemCount(String collection) {
    return Sql.count(
        db.pool(), "SELECT count(*) FROM pgstac.items WHERE collection = $1", collection);
  }

  static JsonObject collectionBbox(String collection) {
    JsonObject c =
        new JsonObject(
            Sql.row(
                    db.pool(),
                    "SELECT content::text AS c FROM pgstac.collections WHERE id = $1",
                    collection)
                .getString("c"));
    return new JsonObject()
        .put(
            "bbox",
            c.getJsonObject("extent")
                .getJsonObject("spatial")
                .getJsonArray("bbox")
                .getJsonArray(0));
  }
}
