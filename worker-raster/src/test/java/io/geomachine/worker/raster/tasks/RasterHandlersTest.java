package io.geomachine.worker.raster.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.job.raster.ProcessRasterJob;
import io.geomachine.core.job.raster.RasterTasks;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.storage.StorageLayout;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.TestRasters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raster handlers called directly, as the worker calls them, on real GDAL, Azurite and pgstac:
 * each kind of raster goes from a blob to a published COG and a STAC item; every bad input fails
 * with its code and leaves no COG, item or local file behind.
 */
class RasterHandlersTest {
  static final Duration T = Duration.ofSeconds(60);
  static final String BRONZE = "test-raster-bronze";
  static final StorageLayout LAYOUT =
      new StorageLayout("test-raster-cogs", "test-raster-mosaics", "test-raster-temp");
  static final ProcessRasterJob JOB = new ProcessRasterJob();

  @TempDir static Path dir;
  @TempDir static Path work;
  static TestDatabase db;
  static BlobStore store;
  static TestRasters rasters;
  static RasterTaskContext ctx;
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void setUp() {
    db = TestDatabase.recreate("geomachine_test_raster_handlers");
    assertTrue(AdminTestSupport.admin(db).deploy().succeeded());
    store = AdminTestSupport.blobStore();
    store.ensureContainer(BRONZE);
    rasters = new TestRasters(dir);
    ctx =
        new RasterTaskContext(
            store, db.pool(), LAYOUT, new Gdal(Duration.ofMinutes(2)), work, 5_000_000);
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

  /** The handlers' context that reads sources through /vsiaz/ (as the worker does). */
  static TilingContext tiling(RasterTaskContext raster) {
    return TilingContext.create(raster, AdminTestSupport.blobSettings(), 64L << 20, 64, true);
  }

  static JsonObject params(String blob, JsonObject extra) {
    JsonObject raw =
        new JsonObject().put("container_name", BRONZE).put("blob_name", blob).mergeIn(extra);
    return JOB.parameters().validate(raw).all();
  }

  static TaskInput input(String jobId, int stage, JsonObject params) {
    return new TaskInput(jobId + "-s" + stage, jobId, ProcessRasterJob.TYPE, stage, "0", params);
  }

  /** The three stages of process_raster, each handler fed as the planner feeds it. */
  static JsonObject process(String jobId, JsonObject params) throws Exception {
    JsonObject validation =
        new ValidateRasterHandler(tiling(ctx))
            .handle(input(jobId, 1, params.copy().put(RasterTasks.ENFORCE_SINGLE_LIMIT, true)));
    JsonObject cog =
        new CreateCogHandler(ctx)
            .handle(input(jobId, 2, params.copy().put(RasterTasks.VALIDATION, validation)));
    JsonObject stac =
        new RasterStacItemHandler(ctx)
            .handle(input(jobId, 3, params.copy().put(RasterTasks.COG, cog)));
    return new JsonObject().put("validation", validation).put("cog", cog).put("stac", stac);
  }

  static JsonObject item(String collection, String id) {
    return new StacCatalog().item(db.pool(), collection, id).await().atMost(T).orElseThrow();
  }

  static RasterInfo downloadedCog(JsonObject cog) throws Exception {
    Path local = dir.resolve("check-" + UUID.randomUUID() + ".tif");
    store.download(cog.getString("cog_container"), cog.getString("cog_blob"), local);
    return new CogValidator(new Gdal(Duration.ofMinutes(1))).validate(local, "downloaded");
  }

  static void assertWorkDirEmpty() throws Exception {
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(List.of(), s.toList(), "task work directories are deleted");
    }
  }

  @Test
  void aProjectedRgbRasterBecomesAJpegCogInWgs84WithItsItemAndSidecar() throws Exception {
    String blob = upload(rasters.rgbUtm("rgb"), "scenes/rgb.tif");
    JsonObject params =
        params(
            blob,
            new JsonObject()
                .put("output_tier", "visualization")
                .put("collection_id", "test-rgb-" + RUN)
                .put("platform_properties", new JsonObject().put("ddh:dataset", "ds-1")));
    JsonObject out = process("job-rgb-" + RUN, params);

    JsonObject v = out.getJsonObject("validation");
    assertEquals("rgb", v.getString("detected_type"));
    assertEquals("EPSG:32633", v.getString("crs"));
    JsonObject cog = out.getJsonObject("cog");
    assertEquals(RUN + "/scenes/rgb_cog.tif", cog.getString("cog_blob"));
    assertEquals("visualization", cog.getString("output_tier"));
    RasterInfo published = downloadedCog(cog);
    assertEquals(4326, published.epsg());
    assertEquals("YCbCr JPEG", published.compression());
    assertTrue(published.overviewCount() > 0);

    JsonObject stac = out.getJsonObject("stac");
    assertTrue(stac.getBoolean("collection_created"));
    JsonObject item = item("test-rgb-" + RUN, stac.getString("item_id"));
    assertEquals("test-raster-bronze-" + RUN + "-scenes-rgb", item.getString("id"));
    JsonArray bbox = item.getJsonArray("bbox");
    assertEquals(15.0, bbox.getDouble(0), 0.01);
    assertEquals(45.15, bbox.getDouble(1), 0.05);
    assertEquals(15.077, bbox.getDouble(2), 0.01);
    JsonObject props = item.getJsonObject("properties");
    assertEquals(4326, props.getInteger("proj:epsg"));
    assertEquals("job-rgb-" + RUN, props.getString(StacCatalog.JOB_ID_PROPERTY));
    assertEquals(ProcessRasterJob.TYPE, props.getString(StacCatalog.JOB_TYPE_PROPERTY));
    assertEquals("ds-1", props.getString("ddh:dataset"));
    JsonObject asset = item.getJsonObject("assets").getJsonObject("data");
    assertEquals(
        store.url(LAYOUT.cogContainer(), cog.getString("cog_blob")), asset.getString("href"));
    assertEquals(
        "image/tiff; application=geotiff; profile=cloud-optimized", asset.getString("type"));
    assertEquals(
        "uint8", asset.getJsonArray("raster:bands").getJsonObject(0).getString("data_type"));
    JsonObject sidecar =
        new JsonObject(
            new String(
                store.downloadBytes(LAYOUT.cogContainer(), RUN + "/scenes/rgb_cog.stac.json")));
    assertEquals(item.getString("id"), sidecar.getString("id"));
    assertWorkDirEmpty();
  }

  @Test
  void demCategoricalMultispectralAndCrsLessRastersAreProcessedAndRerunsGiveNoDuplicates()
      throws Exception {
    record Case(Path file, String type, JsonObject extra, int epsg, String compression) {}
    List<Case> cases =
        List.of(
            new Case(rasters.demFloat32("dem"), "dem", new JsonObject(), 4326, "DEFLATE"),
            new Case(
                rasters.categorical("lc"),
                "categorical",
                new JsonObject().put("output_tier", "archive"),
                4326,
                "ZSTD"),
            new Case(
                rasters.multispectral("ms", 4),
                "multispectral",
                new JsonObject().put("target_crs", "native"),
                4326,
                "DEFLATE"),
            new Case(
                rasters.withoutCrs("nocrs"),
                "dem",
                new JsonObject().put("input_crs", "EPSG:32633").put("keep_native_crs", true),
                32633,
                "DEFLATE"));
    for (Case c : cases) {
      String blob = upload(c.file(), c.file().getFileName().toString());
      JsonObject params = params(blob, c.extra().copy().put("output_folder", "out-" + RUN));
      String jobId = "job-" + c.type() + "-" + RUN + c.file().getFileName();
      JsonObject first = process(jobId, params);
      JsonObject second = process(jobId, params);
      assertEquals(c.type(), first.getJsonObject("validation").getString("raster_type"));
      RasterInfo cog = downloadedCog(second.getJsonObject("cog"));
      assertEquals(c.epsg(), cog.epsg(), c.file().toString());
      assertEquals(c.compression(), cog.compression(), c.file().toString());
      String itemId = first.getJsonObject("stac").getString("item_id");
      assertEquals(itemId, second.getJsonObject("stac").getString("item_id"));
      assertEquals("system-rasters", second.getJsonObject("stac").getString("collection_id"));
      assertEquals(
          List.of("system-rasters/" + itemId),
          new StacCatalog().itemsOfJob(db.pool(), jobId).await().atMost(T),
          "a re-run replaces the item");
    }
    assertWorkDirEmpty();
  }

  @Test
  void everyBadInputFailsWithItsCodeAndLeavesNothingBehind() throws Exception {
    store.uploadBytes(BRONZE, RUN + "/bad/empty.tif", new byte[0], null);
    record Bad(String blob, JsonObject extra, String code, String mentions) {}
    List<Bad> bad =
        List.of(
            new Bad(
                RUN + "/bad/missing.tif",
                new JsonObject(),
                RasterCodes.BLOB_NOT_FOUND,
                "missing.tif"),
            new Bad(
                RUN + "/bad/empty.tif", new JsonObject(), RasterCodes.FILE_UNREADABLE, "0 bytes"),
            new Bad(
                upload(rasters.notARaster("text"), "bad/text.tif"),
                new JsonObject(),
                RasterCodes.FILE_UNREADABLE,
                "text.tif"),
            new Bad(
                upload(rasters.truncated("cut"), "bad/cut.tif"),
                new JsonObject(),
                RasterCodes.FILE_UNREADABLE,
                "cut.tif"),
            new Bad(
                upload(rasters.withoutCrs("nocrs_bad"), "bad/nocrs.tif"),
                new JsonObject(),
                RasterCodes.CRS_MISSING,
                "input_crs"),
            new Bad(
                upload(rasters.demFloat32("dem_bad"), "bad/dem.tif"),
                new JsonObject().put("input_crs", "EPSG:32633"),
                RasterCodes.CRS_MISMATCH,
                "EPSG:4326"),
            new Bad(
                upload(rasters.ofType("complex", "CFloat32"), "bad/complex.tif"),
                new JsonObject(),
                RasterCodes.UNSUPPORTED_DATA_TYPE,
                "CFloat32"),
            new Bad(
                upload(rasters.ofType("f64", "Float64"), "bad/f64.tif"),
                new JsonObject().put("strict_mode", true),
                RasterCodes.BIT_DEPTH_POLICY_VIOLATION,
                "Float64"),
            new Bad(
                upload(rasters.demFloat32("dem_rgb"), "bad/dem_as_rgb.tif"),
                new JsonObject().put("raster_type", "rgb"),
                RasterCodes.RASTER_TYPE_MISMATCH,
                "rgb needs 3 bands"));
    for (Bad b : bad) {
      String jobId = "job-bad-" + RUN + "-" + b.code() + b.blob().hashCode();
      TaskFailure f =
          assertThrows(TaskFailure.class, () -> process(jobId, params(b.blob(), b.extra())));
      assertEquals(b.code(), f.code(), b.blob() + ": " + f.getMessage());
      assertFalse(f.retryable());
      assertTrue(f.getMessage().contains(b.mentions()), f.getMessage());
      assertEquals(List.of(), new StacCatalog().itemsOfJob(db.pool(), jobId).await().atMost(T));
    }
    RasterTaskContext small =
        new RasterTaskContext(store, db.pool(), LAYOUT, ctx.gdal(), work, 1000);
    String big = upload(rasters.demFloat32("big"), "bad/big.tif");
    TaskFailure tooLarge =
        assertThrows(
            TaskFailure.class,
            () ->
                new ValidateRasterHandler(tiling(small))
                    .handle(
                        input(
                            "job-big-" + RUN,
                            1,
                            params(big, new JsonObject())
                                .put(RasterTasks.ENFORCE_SINGLE_LIMIT, true))));
    assertEquals(RasterCodes.RASTER_TOO_LARGE_FOR_SINGLE, tooLarge.code());
    assertTrue(
        tooLarge.getMessage().contains("recommended_job: process_large_raster"),
        tooLarge.getMessage());
    JsonObject plainValidation =
        new ValidateRasterHandler(tiling(small))
            .handle(input("job-big-v-" + RUN, 1, params(big, new JsonObject())));
    assertEquals("process_large_raster", plainValidation.getString("recommended_job"));
    assertEquals(
        List.of(),
        store.list(LAYOUT.cogContainer(), RUN + "/bad/"),
        "no COG is published for bad input");
    assertWorkDirEmpty();
    assertEquals(
        0L,
        Sql.row(db.pool(), "SELECT count(*) FROM pgstac.items WHERE id LIKE '%bad%'").getLong(0));
  }

  @Test
  void a64BitRasterOutsideStrictModeIsProcessedWithAWarning() throws Exception {
    String blob = upload(rasters.ofType("f64ok", "Float64"), "f64ok.tif");
    JsonObject out = process("job-f64-" + RUN, params(blob, new JsonObject()));
    String warnings = out.getJsonObject("cog").getJsonArray("warnings").encode();
    assertTrue(warnings.contains("64-bit data (Float64)"), warnings);
    assertEquals("Float64", downloadedCog(out.getJsonObject("cog")).dataType());
  }
}
