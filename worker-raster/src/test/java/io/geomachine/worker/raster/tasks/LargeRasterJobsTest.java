package io.geomachine.worker.raster.tasks;

import static io.geomachine.worker.raster.tasks.MultiFileFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.testing.Sql;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterInspector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * process_large_raster and process_raster's automatic tiling end to end through CoreMachine (real
 * planners and stage advance) with the worker's handlers on real GDAL, Azurite and pgstac.
 */
class LargeRasterJobsTest {
  @BeforeAll
  static void setUp() throws Exception {
    init();
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
    // the scheme was an intermediate: recorded, removed at the end; the tile COGs were recorded
    // too (a failed job's partial tiles are the janitor's to delete) and released, not deleted
    assertEquals(
        List.of(), store.list(LAYOUT.tempContainer(), "raster_tiles/" + job.jobId() + "/"));
    assertEquals(
        List.of("raster_tiles", "tile_cogs_until_published"),
        Sql.rows(
                db.pool(),
                "SELECT kind FROM app.job_artifacts WHERE job_id = $1 AND removed_at IS NOT NULL"
                    + " ORDER BY kind",
                job.jobId())
            .stream()
            .map(r -> r.getString(0))
            .toList());
    assertEquals(
        4,
        store.list(LAYOUT.cogContainer(), "").stream()
            .filter(b -> b.name().contains("/" + job.jobId().substring(0, 16) + "/tile_"))
            .filter(b -> b.name().endsWith(".tif"))
            .count(),
        "the released tile COGs stay published");

    // another job on the same source and collection (another tier) replaces the items: no duplicate
    Job again =
        runner.run(
            "process_large_raster",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", blob)
                .put("tile_size", 512)
                .put("target_crs", "native")
                .put("output_tier", "archive")
                .put("collection_id", collection));
    assertEquals(JobStatus.COMPLETED, again.status(), again.errorDetails());
    assertEquals(4, itemCount(collection));
    assertEquals(
        again.jobId(),
        item(collection, collection + "-tile_0_0")
            .getJsonObject("properties")
            .getString("app:job_id"));
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

  @Test
  void withoutBlobAccessForGdalTheTilesReadOneLocalCopyOfTheSource() throws Exception {
    JobRunner copying = runner(50_000_000, 64L << 20, false);
    String blob = upload(rasters.demFloat32("copy-dem"), "copy/dem.tif");
    String collection = "rb-copy-" + RUN;

    Job job =
        copying.run(
            "process_large_raster",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", blob)
                .put("tile_size", 128)
                .put("target_crs", "native")
                .put("collection_id", collection));

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    assertEquals("local_copy", job.resultData().getString("read_mode"));
    assertEquals(4, job.resultData().getInteger("tile_count"), "200x150 in 128-pixel tiles");
    assertEquals(4, itemCount(collection));
    try (var copies = Files.list(work.resolve("source-copies"))) {
      assertEquals(1, copies.count(), "one copy of the source for all its tiles");
    }
  }

  @Test
  void aBadSourceFailsTheTilingSchemeWithItsCodeAndLeavesNothing() throws Exception {
    String notARaster = upload(rasters.notARaster("large-bad"), "large-bad/not-a-raster.tif");
    String noCrs = upload(rasters.withoutCrs("large-nocrs"), "large-bad/nocrs.tif");
    Map<String, String> expected =
        Map.of(
            notARaster,
            "FILE_UNREADABLE",
            noCrs,
            "CRS_MISSING",
            RUN + "/large-bad/missing.tif",
            "BLOB_NOT_FOUND");
    for (Map.Entry<String, String> bad : expected.entrySet()) {
      Job job =
          runner.run(
              "process_large_raster",
              new JsonObject().put("container_name", BRONZE).put("blob_name", bad.getKey()));

      assertEquals(JobStatus.FAILED, job.status(), bad.getKey());
      assertTrue(job.errorDetails().contains(bad.getValue() + ": "), job.errorDetails());
      assertEquals(
          List.of(), store.list(LAYOUT.tempContainer(), "raster_tiles/" + job.jobId() + "/"));
      assertEquals(
          List.of(), new StacCatalog().itemsOfJob(db.pool(), job.jobId()).await().atMost(T));
      assertEquals(
          0,
          Sql.count(
              db.pool(),
              "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1 AND stage > 1",
              job.jobId()),
          "no tile was planned");
    }
  }
}
