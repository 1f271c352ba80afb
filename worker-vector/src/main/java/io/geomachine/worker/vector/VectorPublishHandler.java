package io.geomachine.worker.vector;

import io.geomachine.core.concurrent.DaemonThreads;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.geo.TableMetadata;
import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.model.JobArtifact;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * process_vector stage 3 (fan-in): checks that every chunk is in the staging table (from the loads'
 * batch register), repairs invalid geometries ({@link GeometryRepairs}), computes extent and
 * geometry type, analyzes the table and builds its indexes (in a fixed number of lanes, {@link
 * SqlLanes}), then in one transaction swaps the table into {@code geo}, registers it in {@code
 * geo.table_metadata} and writes its STAC item; finally removes the job's temp chunks. Idempotent:
 * a re-run after the swap finds the table registered to this job and only finishes the cleanup.
 */
final class VectorPublishHandler implements TaskHandler {
  private static final Logger LOG = Logger.getLogger(VectorPublishHandler.class);

  static final String TASK_TYPE = ProcessVectorJob.PUBLISH_TASK;

  private final Pool pool;
  private final BlobStore blobs;
  private final String tempContainer;
  private final VectorStacItems items;
  private final GeoTablePublisher publisher;
  private final JobArtifactRepository artifacts = new JobArtifactRepository();

  /** {@code lanes}: how many connections build the indexes and statistics at once. */
  VectorPublishHandler(
      Pool pool, BlobStore blobs, String tempContainer, VectorStacItems items, int lanes) {
    this.pool = pool;
    this.blobs = blobs;
    this.tempContainer = tempContainer;
    this.items = items;
    this.publisher = new GeoTablePublisher(pool, lanes);
  }

  @Override
  public String taskType() {
    return TASK_TYPE;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    long started = System.nanoTime();
    String jobId = input.jobId();
    Optional<JsonObject> manifest = manifest(input);
    if (manifest.isEmpty()) {
      return alreadyPublished(jobId, input.parameters().getString("table_name"), started)
          .orElseThrow(
              () ->
                  TaskFailure.permanent(
                      "MANIFEST_MISSING",
                      "manifest "
                          + tempContainer
                          + "/"
                          + VectorManifest.blobName(jobId)
                          + " does not exist"));
    }
    VectorTableSpec spec = VectorTableSpec.of(manifest.get());
    GeoTableBuilder table = new GeoTableBuilder(spec);
    if (!publisher.relationExists(VectorTableSpec.STAGING_SCHEMA, spec.stagingTable())) {
      return alreadyPublished(jobId, spec.targetTable(), started)
          .orElseThrow(
              () ->
                  TaskFailure.permanent(
                      "STAGING_MISSING",
                      "staging table "
                          + VectorTableSpec.STAGING_SCHEMA
                          + "."
                          + spec.stagingTable()
                          + " does not exist (were the chunks loaded?)"));
    }
    checkLoads(spec, input.parameters().getJsonArray("inputs", new JsonArray()));
    long rows = publisher.loadedRows(spec);
    if (rows != spec.manifestRows()) {
      throw TaskFailure.permanent(
          "LOAD_INCOMPLETE",
          "the staging table holds " + rows + " rows, the chunks " + spec.manifestRows());
    }
    if (!spec.overwrite() && publisher.relationExists("geo", spec.targetTable())) {
      throw tableExists(spec);
    }
    Timings timings = new Timings(started);
    timings.lap("check");
    // Every chunk is in the staging table: the chunk blobs go while the table is checked and
    // indexed. The manifest stays until the swap (a retried publish reads it).
    CompletableFuture<Integer> chunksRemoved =
        CompletableFuture.supplyAsync(() -> removeChunkBlobs(spec), CHUNK_REMOVERS);
    long repaired = publisher.repairGeometries(spec, table);
    timings.lap("repair");
    GeoTablePublisher.Stats stats = publisher.scanAndAnalyze(spec, table, rows);
    if (stats.extent() == null) {
      throw TaskFailure.permanent("EMPTY_LAYER", "the table has no geometries to publish");
    }
    publisher.buildIndexes(table);
    timings.lap("indexes_and_stats");
    String collection = spec.stacCollection();
    if (!StacCatalog.isSystemCollection(collection)) {
      publisher.ensureCollection(items.collection(collection, stats));
    }
    TableMetadata row =
        new TableMetadata(
            "geo",
            spec.targetTable(),
            jobId,
            input.jobType(),
            collection,
            spec.stacItem(),
            spec.geometryColumn(),
            stats.geometryType(),
            spec.srid(),
            stats.rows(),
            stats.extent(),
            spec.sourceFile(),
            spec.sourceFormat(),
            spec.sourceCrs());
    publisher.swap(
        spec,
        table,
        row,
        items.item(spec, row, stats, input.jobType()),
        "Published by " + input.jobType() + " job " + jobId + " from " + spec.sourceFile());
    timings.lap("swap");
    int removed = removedEarly(chunksRemoved, jobId) + removeTempChunks(jobId);
    timings.lap("cleanup");
    return result(row, removed, timings).put("repaired_geometries", repaired);
  }

  static TaskFailure tableExists(VectorTableSpec spec) {
    return TaskFailure.permanent(
        "TABLE_EXISTS", "table geo." + spec.targetTable() + " exists; set overwrite to replace it");
  }

  /** The manifest from the temp container (prepare wrote it there); empty when it is gone. */
  private Optional<JsonObject> manifest(TaskInput input) {
    JsonObject given = input.parameters().getJsonObject("manifest");
    if (given != null && !given.getJsonArray("chunks", new JsonArray()).isEmpty()) {
      return Optional.of(given);
    }
    try {
      byte[] bytes = blobs.downloadBytes(tempContainer, VectorManifest.blobName(input.jobId()));
      return Optional.of(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
    } catch (GeoMachineException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every chunk of the manifest has a load result with as many rows as the chunk. */
  private static void checkLoads(VectorTableSpec spec, JsonArray inputs) throws TaskFailure {
    Map<String, Long> loaded = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      JsonObject in = inputs.getJsonObject(i);
      JsonObject result = in.getJsonObject("result");
      if (result != null) {
        loaded.put(String.valueOf(in.getValue("task_index")), result.getLong("rows", -1L));
      }
    }
    for (VectorTableSpec.Chunk c : spec.chunks()) {
      Long rows = loaded.get(String.valueOf(c.index()));
      if (rows == null || rows != c.rows()) {
        throw TaskFailure.permanent(
            "LOAD_INCOMPLETE",
            "chunk "
                + c.index()
                + " ("
                + c.blob()
                + ") was "
                + (rows == null ? "not loaded" : "loaded with " + rows + " rows, not " + c.rows()));
      }
    }
  }

  /** A re-run after the swap: the table is registered to this job, so only the cleanup is left. */
  private Optional<JsonObject> alreadyPublished(String jobId, String table, long started) {
    if (table == null) {
      return Optional.empty();
    }
    return publisher
        .registered(table)
        .filter(m -> jobId.equals(m.jobId()) && publisher.relationExists("geo", table))
        .map(
            m -> {
              Timings timings = new Timings(started);
              timings.lap("check");
              int removed = removeTempChunks(jobId);
              timings.lap("cleanup");
              return result(m, removed, timings);
            });
  }

  /** Removes chunk blobs while the publish works on; daemon threads, never keeping a JVM alive. */
  private static final ExecutorService CHUNK_REMOVERS =
      Executors.newCachedThreadPool(DaemonThreads.named("vector-publish-chunk-removal"));

  private int removeChunkBlobs(VectorTableSpec spec) {
    return blobs.deleteAll(
        tempContainer, spec.chunks().stream().map(VectorTableSpec.Chunk::blob).toList());
  }

  /**
   * How many chunk blobs the early removal deleted; 0 when it failed (the prefix's removal after
   * the swap deletes what is left).
   */
  private static int removedEarly(CompletableFuture<Integer> removal, String jobId) {
    try {
      return removal.join();
    } catch (CompletionException | CancellationException e) {
      LOG.warnf(
          "job %s: removing chunk blobs during publish failed (%s); the cleanup retries",
          jobId, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      return 0;
    }
  }

  /** Deletes the job's recorded temp prefixes (chunks and manifest) and marks them removed. */
  private int removeTempChunks(String jobId) {
    int deleted = 0;
    List<JobArtifact> open = GeoTablePublisher.await(artifacts.openOfJob(pool, jobId));
    for (JobArtifact a : open) {
      if (!a.container().equals(tempContainer) || !VectorManifest.ARTIFACT_KIND.equals(a.kind())) {
        continue;
      }
      deleted += blobs.deletePrefix(a.container(), a.prefix());
      GeoTablePublisher.await(artifacts.markRemoved(pool, jobId, a.container(), a.prefix()));
    }
    return deleted;
  }

  /** Where the stage's time went (ms), for operators and benchmarks (docs/benchmarks-vector.md). */
  private static final class Timings {
    private final long started;
    private long last;
    private final JsonObject laps = new JsonObject();

    Timings(long started) {
      this.started = started;
      this.last = started;
    }

    void lap(String name) {
      long now = System.nanoTime();
      laps.put(name, (now - last) / 1_000_000);
      last = now;
    }

    JsonObject toJson() {
      return laps.copy().put("total", (System.nanoTime() - started) / 1_000_000);
    }
  }

  private JsonObject result(TableMetadata m, int blobsRemoved, Timings timings) {
    return new JsonObject()
        .put("table", m.schemaName() + "." + m.tableName())
        .put("row_count", m.rowCount())
        .put("geometry_column", m.geometryColumn())
        .put("geometry_type", m.geometryType())
        .put("extent", m.extent() == null ? null : StacDocuments.bboxArray(m.extent()))
        .put("stac_collection_id", m.stacCollectionId())
        .put("stac_item_id", m.stacItemId())
        .put("features_url", items.featuresUrl(m.tableName()))
        .put("temp_blobs_removed", blobsRemoved)
        .put("timings_ms", timings.toJson());
  }
}
