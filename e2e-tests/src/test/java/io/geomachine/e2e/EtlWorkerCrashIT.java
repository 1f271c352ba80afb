package io.geomachine.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vector worker is killed with SIGKILL while process_vector's load tasks run (some done, one
 * running). A new worker takes over: the running task's lease expires and the janitor's watchdog
 * retries it, the messages the dead worker had fetched are redelivered, and the job completes with
 * every source row exactly once (the load deletes its own batch before it copies) and one item.
 */
class EtlWorkerCrashIT {
  private static final int ROWS = 60_000;
  private static final int CHUNK_SIZE = 10_000;
  private static final int LOAD_TASKS = ROWS / CHUNK_SIZE;
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);

  private Platform platform;
  private Path csv;
  private Path raster;

  @AfterEach
  void stopPlatform() throws Exception {
    if (platform != null) {
      platform.close();
    }
    if (csv != null) {
      Files.deleteIfExists(csv);
    }
    if (raster != null) {
      Files.deleteIfExists(raster);
    }
  }

  @Test
  void killingTheVectorWorkerDuringLoadLeavesEveryRowOnceAndOneItem() throws Exception {
    platform = Platform.createForEtl("geomachine_e2e_etl_worker_crash");
    // One task at a time, so the load stage lasts long enough to be interrupted half-way.
    ServiceProcess doomed =
        platform.startWithDoomedWorker(
            "worker-vector", Map.of("SMALLRYE_MESSAGING_WORKER_TASK_RUNNERS_MAX_CONCURRENCY", "1"));
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    csv = Files.createTempFile("e2e-points", ".csv");
    StringBuilder rows = new StringBuilder("point_id,label,lat,lon\n");
    for (int i = 0; i < ROWS; i++) {
      rows.append(i)
          .append(",p")
          .append(i)
          .append(',')
          .append(40 + (i / 300) * 0.01)
          .append(',')
          .append(-10 + (i % 300) * 0.01)
          .append('\n');
    }
    EtlChecks.write(csv, rows.toString());
    platform.blobs().upload(platform.storage().bronze(), "points.csv", csv, "text/csv");

    String jobId =
        Jobs.submit(
            gateway,
            "process_vector",
            new JsonObject()
                .put("container_name", platform.storage().bronze())
                .put("blob_name", "points.csv")
                .put("table_name", "crash_points")
                .put("chunk_size", CHUNK_SIZE)
                .put(
                    "converter_params",
                    new JsonObject().put("lat_name", "lat").put("lon_name", "lon"))
                .encode());
    String loads =
        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
            + " AND task_type = 'vector_load_chunk' AND status = $2";
    // The kill must land inside a load, not between two (when the worker holds no task, nothing is
    // left to retry): freeze the worker, look, and kill it only while a load of it is running;
    // otherwise thaw it and look again.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (Jobs.count(pool, loads, jobId, "completed") < 1) {
                return false;
              }
              doomed.freeze();
              if (Jobs.count(pool, loads, jobId, "processing") >= 1) {
                return true;
              }
              doomed.thaw();
              return false;
            });

    long killedAt = System.nanoTime();
    doomed.kill();
    long completedAtKill = Jobs.count(pool, loads, jobId, "completed");
    assertTrue(
        completedAtKill < LOAD_TASKS,
        "the kill came after the load stage (" + completedAtKill + " loads done)");
    platform.startSuccessor("worker-vector");
    Jobs.awaitStatus(gateway, jobId, "completed", RECOVERY_BOUND);
    double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;

    assertEquals(
        LOAD_TASKS,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
                + " AND task_type = 'vector_load_chunk' AND status = 'completed'",
            jobId));
    // The load that was running when the worker died ran again.
    assertTrue(
        Jobs.count(
                pool,
                "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
                    + " AND task_type = 'vector_load_chunk' AND attempts >= 2",
                jobId)
            >= 1);
    assertEquals(ROWS, Jobs.count(pool, "SELECT count(*) FROM geo.crash_points"));
    assertEquals(ROWS, Jobs.count(pool, "SELECT count(DISTINCT point_id) FROM geo.crash_points"));
    assertEquals(
        ROWS,
        Jobs.count(
            pool,
            "SELECT count(*) FROM geo.crash_points WHERE label = 'p' || point_id"
                + " AND etl_job_id = $1",
            jobId));
    assertEquals(
        1,
        Jobs.count(
            pool,
            "SELECT count(*) FROM geo.table_metadata WHERE table_name = 'crash_points'"
                + " AND row_count = $1",
            ROWS));
    assertEquals(1, EtlChecks.itemsOfJob(platform, jobId));
    assertEquals(
        1,
        Jobs.count(
            pool,
            "SELECT count(*) FROM pgstac.items WHERE collection = 'system-vectors'"
                + " AND id = 'crash_points'"));
    assertEquals(
        0,
        Jobs.count(
            pool,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'geo_staging'"
                + " AND table_name LIKE '\\_load\\_%'"));
    System.out.printf(
        "vector worker kill -9 during load (%d of %d loads done) -> job completed in %.1f s%n",
        completedAtKill, LOAD_TASKS, recoverySeconds);
  }

  @Test
  void killingTheRasterWorkerDuringTheCogStageLeavesOneValidCogAndOneItem() throws Exception {
    platform = Platform.createForEtl("geomachine_e2e_etl_raster_crash");
    ServiceProcess doomed = platform.startWithDoomedWorker("worker-raster", Map.of());
    Pool pool = platform.database().pool();
    String gateway = platform.gatewayUrl();

    // 2048x2048 RGB, uncompressed (24 MiB): the COG stage takes long enough to be interrupted.
    raster = Files.createTempFile("e2e-lake-large", ".tif");
    Path root = Path.of(System.getProperty("geomachine.repo.root", "..")).toAbsolutePath();
    EtlChecks.run(
        "gdal_translate",
        "-q",
        "-outsize",
        "2048",
        "2048",
        "-r",
        "bilinear",
        root.resolve("samples/lake_rgb.tif").toString(),
        raster.toString());
    platform.blobs().upload(platform.storage().bronze(), "large/lake.tif", raster, "image/tiff");

    String jobId =
        Jobs.submit(
            gateway,
            "process_raster",
            new JsonObject()
                .put("container_name", platform.storage().bronze())
                .put("blob_name", "large/lake.tif")
                .encode());
    String cogTasks =
        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
            + " AND task_type = 'raster_cog_or_tile' AND status = $2";
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Jobs.count(pool, cogTasks, jobId, "processing") == 1);

    long killedAt = System.nanoTime();
    doomed.kill();
    assertEquals(0, Jobs.count(pool, cogTasks, jobId, "completed"), "killed too late");
    platform.startSuccessor("worker-raster");
    var job = Jobs.awaitStatus(gateway, jobId, "completed", RECOVERY_BOUND);
    double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;

    assertEquals(
        1,
        Jobs.count(
            pool,
            "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
                + " AND task_type = 'raster_cog_or_tile' AND status = 'completed' AND attempts = 2",
            jobId));
    String cogBlob = job.getString("result_data.cog.cog_blob");
    JsonObject info = EtlChecks.gdalinfo(platform, platform.storage().cog(), cogBlob);
    assertEquals("COG", EtlChecks.layout(info));
    assertEquals(List.of(2048, 2048), info.getJsonArray("size").getList());
    assertEquals(
        java.util.Set.of(cogBlob, cogBlob.replace("_cog.tif", "_cog.stac.json")),
        platform.blobs().list(platform.storage().cog(), "").stream()
            .map(b -> b.name())
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(1, EtlChecks.itemsOfJob(platform, jobId));
    assertEquals(
        1,
        Jobs.count(pool, "SELECT count(*) FROM pgstac.items WHERE collection = 'system-rasters'"));
    System.out.printf(
        "raster worker kill -9 during create_cog -> job completed in %.1f s%n", recoverySeconds);
  }
}
