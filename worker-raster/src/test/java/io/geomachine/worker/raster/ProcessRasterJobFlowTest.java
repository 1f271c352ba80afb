package io.geomachine.worker.raster;

import static io.geomachine.core.testing.WorkerHarness.JOBS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.Engine;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.WorkerHarness;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.TestRasters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * process_raster from submission to a finished job through the running raster worker: the test
 * plays the orchestrator (CoreMachine handling the job messages the worker publishes, its relay
 * sending task messages onto the worker's queue through the real broker), on a database with pgstac
 * and real Azurite.
 */
@QuarkusTest
@WithTestResource(PgstacDatabaseResource.class)
@WithTestResource(EmbeddedArtemisResource.class)
class ProcessRasterJobFlowTest {
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
  static final String BRONZE = "test-raster-flow";

  @Inject WorkerHarness fx;
  @Inject Pool pool;
  @Inject Vertx vertx;
  @Inject BlobStore store;
  @Inject RasterWorkerConfig config;
  @Inject TaskMessageSender sender;

  Engine orchestrator;
  final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void startOrchestrator() {
    fx.awaitQuietAndEmptyQueues();
    orchestrator =
        new Engine(
            pool,
            JobRegistry.standard(),
            Map.of(Destination.RASTER_TASKS, sender::sendAsync),
            Engine.RelaySettings.defaults());
    orchestrator.start(vertx);
    store.ensureContainer(BRONZE);
  }

  @AfterEach
  void stopOrchestrator() {
    orchestrator.stop();
  }

  /** Submits a job and feeds CoreMachine the job messages until the job has ended. */
  Job runJob(String type, JsonObject params) {
    String jobId =
        orchestrator
            .submission()
            .submit(type, params)
            .await()
            .atMost(WorkerHarness.TIMEOUT)
            .job()
            .jobId();
    Set<JobStatus> ended = Set.of(JobStatus.COMPLETED, JobStatus.FAILED);
    await()
        .atMost(JOB_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (JsonObject m : fx.drainFor(JOBS, jobId)) {
                orchestrator
                    .coreMachine()
                    .handle(JobMessage.fromJson(m))
                    .await()
                    .atMost(WorkerHarness.TIMEOUT);
              }
              return ended.contains(fx.job(jobId).status());
            });
    return fx.job(jobId);
  }

  @Test
  void aDemIsPublishedAsAValidCogWithItsItemAndARerunAddsNoDuplicate() throws Exception {
    Path dir = Files.createTempDirectory("raster-flow");
    String blob = run + "/dem.tif";
    store.upload(BRONZE, blob, new TestRasters(dir).demFloat32("dem"), null);
    JsonObject params =
        new JsonObject()
            .put("container_name", BRONZE)
            .put("blob_name", blob)
            .put("collection_id", "flow-" + run)
            .put("output_folder", "flow-" + run);

    Job job = runJob("process_raster_v2", params);

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    JsonObject result = job.resultData();
    JsonObject cog = result.getJsonObject("cog");
    assertEquals("flow-" + run + "/dem_cog.tif", cog.getString("cog_blob"));
    Path local = dir.resolve("published.tif");
    store.download(config.storage().cogContainer(), cog.getString("cog_blob"), local);
    RasterInfo published = new CogValidator(new Gdal(Duration.ofMinutes(1))).validate(local, "cog");
    assertEquals(-9999.0, published.nodata());
    String itemId = result.getJsonObject("stac").getString("item_id");
    JsonObject item =
        new StacCatalog()
            .item(pool, "flow-" + run, itemId)
            .await()
            .atMost(WorkerHarness.TIMEOUT)
            .orElseThrow();
    JsonArray bbox = item.getJsonArray("bbox");
    assertEquals(16.0, bbox.getDouble(0), 1e-6);
    assertEquals(48.35, bbox.getDouble(1), 1e-6);
    assertEquals(16.2, bbox.getDouble(2), 1e-6);
    assertEquals(48.5, bbox.getDouble(3), 1e-6);
    assertEquals(
        job.jobId(), item.getJsonObject("properties").getString(StacCatalog.JOB_ID_PROPERTY));
    assertTrue(
        store
            .find(config.storage().cogContainer(), "flow-" + run + "/dem_cog.stac.json")
            .isPresent(),
        "the sidecar is next to the COG");

    // the same source under another tier: another job, the same item (replaced, not duplicated)
    Job again = runJob("process_raster", params.copy().put("output_tier", "archive"));
    assertEquals(JobStatus.COMPLETED, again.status(), again.errorDetails());
    assertEquals(
        1L, fx.count("SELECT count(*) FROM pgstac.items WHERE collection = $1", "flow-" + run));
    assertEquals(
        List.of("flow-" + run + "/" + itemId),
        new StacCatalog().itemsOfJob(pool, again.jobId()).await().atMost(WorkerHarness.TIMEOUT));
  }

  @Test
  void aRasterWithoutCrsFailsTheJobWithItsCodeAndPublishesNothing() throws Exception {
    Path dir = Files.createTempDirectory("raster-flow-bad");
    String blob = run + "/nocrs.tif";
    store.upload(BRONZE, blob, new TestRasters(dir).withoutCrs("nocrs"), null);

    Job job =
        runJob(
            "process_raster",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_name", blob)
                .put("output_folder", "flow-bad-" + run));

    assertEquals(JobStatus.FAILED, job.status());
    assertTrue(job.errorDetails().contains(RasterCodes.CRS_MISSING), job.errorDetails());
    assertTrue(
        fx.tasks(job.jobId(), 1).get(0).errorDetails().startsWith(RasterCodes.CRS_MISSING + ":"),
        fx.tasks(job.jobId(), 1).get(0).errorDetails());
    assertEquals(List.of(), fx.tasks(job.jobId(), 2), "no COG stage after a failed validation");
    assertEquals(List.of(), store.list(config.storage().cogContainer(), "flow-bad-" + run + "/"));
    assertEquals(
        0L,
        fx.count(
            "SELECT count(*) FROM pgstac.items WHERE content->'properties'->>'app:job_id' = $1",
            job.jobId()));
  }
}
