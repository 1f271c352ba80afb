package io.geomachine.worker.raster.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
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
import io.geomachine.worker.raster.engine.TestRasters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the multi-file raster job tests share, set up once per test JVM: a database with pgstac, the
 * bronze container, test rasters, and a {@link JobRunner} with the worker's raster handlers (the
 * worker's wiring, with a 50 MB single-file limit and 64 MiB automatic tiles).
 */
final class MultiFileFixture {
  static final Duration T = Duration.ofSeconds(60);
  static final String BRONZE = "test-rb-bronze";
  static final StorageLayout LAYOUT =
      new StorageLayout("test-rb-cogs", "test-rb-mosaics", "test-rb-temp");
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final Gdal GDAL = new Gdal(Duration.ofMinutes(2));

  static Path dir;
  static Path work;
  static TestDatabase db;
  static BlobStore store;
  static TestRasters rasters;
  static JobRunner runner;

  private MultiFileFixture() {}

  static synchronized void init() throws Exception {
    if (db != null) {
      return;
    }
    dir = Files.createTempDirectory("rb-rasters");
    work = Files.createTempDirectory("rb-work");
    db = TestDatabase.recreate("geomachine_test_raster_multi");
    assertTrue(AdminTestSupport.admin(db).deploy().succeeded());
    store = AdminTestSupport.blobStore();
    store.ensureContainer(BRONZE);
    rasters = new TestRasters(dir);
    runner = runner(50_000_000, 64L << 20, true);
  }

  /** A runner whose worker has this single-file limit, tile budget and read mode. */
  static JobRunner runner(long singleMaxBytes, long tileBudget, boolean remoteFirst) {
    RasterTaskContext raster =
        new RasterTaskContext(store, db.pool(), LAYOUT, GDAL, work, singleMaxBytes);
    TilingContext tiling =
        TilingContext.create(raster, AdminTestSupport.blobSettings(), tileBudget, 64, remoteFirst);
    List<TaskHandler> handlers =
        List.of(
            new ValidateRasterHandler(tiling),
            new CreateCogHandler(raster),
            new RasterStacItemHandler(raster),
            new RoutedRasterHandlers.Validate(tiling),
            new RoutedRasterHandlers.Cog(tiling),
            new TilingSchemeHandler(tiling),
            new TileCogHandler(tiling),
            new MosaicFinishHandler(tiling),
            new StacContainerListHandler(store),
            new StacContainerItemHandler(tiling),
            new StacContainerFinishHandler(tiling));
    return new JobRunner(db.pool(), handlers);
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

  static long itemCount(String collection) {
    return Sql.count(
        db.pool(), "SELECT count(*) FROM pgstac.items WHERE collection = $1", collection);
  }
}
