package io.geomachine.core.job.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.FailurePolicy;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageKind;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.model.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** process_vector's parameters, stages and planning, and the manifest contract, without I/O. */
class ProcessVectorJobTest {
  private final ProcessVectorJob def = new ProcessVectorJob();

  private JsonObject minimal() {
    return new JsonObject()
        .put("container_name", "bronze")
        .put("blob_name", "data/roads.gpkg")
        .put("table_name", "roads");
  }

  private List<FieldError> errors(JsonObject params) {
    GeoMachineException e =
        assertThrows(GeoMachineException.class, () -> def.parameters().validate(params));
    assertEquals(ErrorCode.INVALID_PARAMETERS, e.code());
    return e.fieldErrors();
  }

  private void assertRejected(String field, JsonObject params, String messagePart) {
    List<FieldError> errors = errors(params);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(field, errors.get(0).field());
    assertTrue(errors.get(0).message().contains(messagePart), errors.get(0).message());
  }

  @Test
  void isRegisteredWithThreeVectorStagesThatFailTheJob() {
    assertEquals(def.jobType(), JobRegistry.standard().require("process_vector").jobType());
    assertEquals(3, def.stages().size());
    assertEquals(StageKind.SINGLE, def.stage(1).kind());
    assertEquals(ProcessVectorJob.PREPARE_TASK, def.stage(1).taskType());
    assertEquals(StageKind.FAN_OUT, def.stage(2).kind());
    assertEquals(ProcessVectorJob.LOAD_TASK, def.stage(2).taskType());
    assertEquals(StageKind.FAN_IN, def.stage(3).kind());
    assertEquals(ProcessVectorJob.PUBLISH_TASK, def.stage(3).taskType());
    def.stages().forEach(s -> assertEquals(TaskQueue.VECTOR, s.queue()));
    assertEquals(FailurePolicy.FAIL_JOB, def.failurePolicy());
  }

  @Test
  void appliesDefaults() {
    JsonObject all = def.parameters().validate(minimal()).all();
    assertEquals("geo", all.getString("schema"));
    assertEquals(100_000, all.getInteger("chunk_size"));
    assertEquals(false, all.getBoolean("overwrite"));
    assertEquals(false, all.getBoolean("arcgis_mode"));
    assertEquals("promote", all.getString("mixed_geometry"));
    assertEquals("system-vectors", all.getString("collection_id"));
    assertEquals(new JsonArray(), all.getJsonArray("indexes"));
    assertEquals(new JsonObject(), all.getJsonObject("converter_params"));
  }

  @Test
  void acceptsEveryDocumentedOption() {
    JsonObject p =
        minimal()
            .put("file_extension", ".CSV")
            .put("chunk_size", 5000)
            .put(
                "converter_params",
                new JsonObject().put("lat_name", "Latitude").put("lon_name", "Longitude"))
            .put("geometry_params", new JsonObject().put("keep_z", true).put("keep_m", false))
            .put(
                "indexes",
                new JsonArray()
                    .add(new JsonObject().put("columns", new JsonArray().add("name")))
                    .add(
                        new JsonObject()
                            .put("columns", new JsonArray().add("day").add("kind"))
                            .put("type", "brin")))
            .put("overwrite", true)
            .put("arcgis_mode", true)
            .put("source_crs", "EPSG:32633")
            .put("collection_id", "roads-2024")
            .put("item_id", "roads.v1")
            .put("mixed_geometry", "geometry");
    assertEquals(true, def.parameters().validate(p).all().getBoolean("arcgis_mode"));
  }

  @Test
  void rejectsUnsafeTableNamesNamingTheField() {
    for (String bad :
        List.of(
            "Roads", "1roads", "roads; drop table x", "road-s", "x".repeat(64), "table_metadata")) {
      assertRejected("table_name", minimal().put("table_name", bad), "");
    }
    assertEquals(
        "x".repeat(63),
        def.parameters()
            .validate(minimal().put("table_name", "x".repeat(63)))
            .all()
            .getString("table_name"));
  }

  @Test
  void rejectsBadOptionsNamingTheField() {
    assertRejected("schema", minimal().put("schema", "public"), "must be one of");
    assertRejected("chunk_size", minimal().put("chunk_size", 0), "at least");
    assertRejected("file_extension", minimal().put("file_extension", "xlsx"), "unsupported");
    assertRejected(
        "converter_params",
        minimal().put("converter_params", new JsonObject().put("lat_name", "y")),
        "go together");
    assertRejected(
        "converter_params",
        minimal().put("converter_params", new JsonObject().put("sheet", "y")),
        "unknown key");
    assertRejected(
        "geometry_params",
        minimal().put("geometry_params", new JsonObject().put("keep_z", "yes")),
        "true or false");
    assertRejected(
        "indexes",
        minimal().put("indexes", new JsonArray().add(new JsonObject().put("type", "btree"))),
        "columns");
    assertRejected(
        "indexes",
        minimal()
            .put(
                "indexes",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("columns", new JsonArray().add("a"))
                            .put("type", "gist"))),
        "type");
    assertRejected("source_crs", minimal().put("source_crs", "+proj=utm"), "must match");
    assertRejected("mixed_geometry", minimal().put("mixed_geometry", "split"), "must be one of");
  }

  private VectorManifest manifest(String jobId, int chunks) {
    List<VectorManifest.Chunk> list =
        java.util.stream.IntStream.range(0, chunks)
            .mapToObj(
                i ->
                    new VectorManifest.Chunk(
                        i,
                        VectorManifest.chunkBlobName(jobId, i, format(i)),
                        10 + i,
                        VectorManifest.batchId(jobId, i),
                        format(i)))
            .toList();
    return new VectorManifest(
        jobId,
        "bronze/roads.gpkg",
        "GPKG",
        "EPSG:32633",
        "geo",
        "roads",
        VectorManifest.stagingTableName(jobId),
        "geom",
        "MULTILINESTRING",
        4326,
        2,
        List.of(
            new VectorManifest.Column("name", "Name", "text"),
            new VectorManifest.Column("lanes", "LANES", "integer")),
        10L * chunks,
        2,
        list,
        false,
        false,
        new JsonArray().add(new JsonObject().put("columns", new JsonArray().add("name"))),
        "system-vectors",
        "roads");
  }

  /** Both formats, so both round-trip (a job's chunks share one in practice). */
  private static VectorManifest.ChunkFormat format(int index) {
    return index % 2 == 0 ? VectorManifest.ChunkFormat.BINARY : VectorManifest.ChunkFormat.TEXT;
  }

  @Test
  void aChunkWithoutFormatIsTextAsBeforeBinaryChunks() {
    VectorManifest.Chunk old =
        VectorManifest.Chunk.fromJson(
            new JsonObject()
                .put("index", 1)
                .put("blob", "vector_chunks/j/chunk_000001.tsv.zst")
                .put("rows", 5)
                .put("batch_id", "j:1"));
    assertEquals(VectorManifest.ChunkFormat.TEXT, old.format());
    assertThrows(
        IllegalArgumentException.class, () -> VectorManifest.ChunkFormat.fromWire("parquet"));
  }

  @Test
  void manifestRoundTripsThroughJson() {
    String jobId = "ab".repeat(32);
    VectorManifest m = manifest(jobId, 3);
    VectorManifest back = VectorManifest.fromJson(new JsonObject(m.toJson().encode()));
    assertEquals(m, back);
    assertEquals("_load_abababababababab", m.stagingTable());
    assertEquals("vector_chunks/" + jobId + "/manifest.json", VectorManifest.blobName(jobId));
    assertEquals("vector_chunks/" + jobId + "/chunk_000002.pgcopy.zst", m.chunks().get(2).blob());
    assertEquals("vector_chunks/" + jobId + "/chunk_000001.tsv.zst", m.chunks().get(1).blob());
    assertTrue(m.chunks().get(2).batchId().length() <= 100);
  }

  @Test
  void plansOneLoadTaskPerChunkIndexedByChunk() {
    String jobId = "cd".repeat(32);
    VectorManifest m = manifest(jobId, 3);
    TaskResult prepared =
        new TaskResult(
            "t1", "0", TaskStatus.COMPLETED, new JsonObject().put("manifest", m.toJson()), null);
    JsonObject params = def.parameters().validate(minimal()).all();
    List<TaskSpec> load =
        def.stage(2).planner().plan(new StageContext(jobId, params, 2, List.of(prepared)));
    assertEquals(List.of("0", "1", "2"), load.stream().map(TaskSpec::index).toList());
    JsonObject p1 = load.get(1).parameters();
    assertEquals(m.chunks().get(1), VectorManifest.Chunk.fromJson(p1.getJsonObject("chunk")));
    VectorManifest shared = VectorManifest.fromJson(p1.getJsonObject("manifest"));
    assertEquals(m.withoutChunks(), shared);
    assertEquals(List.of(), shared.chunks());

    JsonObject result = def.result(params, Map.of(1, List.of(prepared)));
    assertEquals("geo.roads", result.getString("table"));
    assertEquals(30, result.getLong("feature_count"));
    assertEquals(3, result.getInteger("chunks"));
    assertFalse(result.containsKey("repaired_geometries"));

    // the repairs are counted at publish (in PostgreSQL), so the job reports the publish's count
    TaskResult published =
        new TaskResult(
            "t3",
            "0",
            TaskStatus.COMPLETED,
            new JsonObject().put("table", "geo.roads").put("repaired_geometries", 4),
            null);
    JsonObject done = def.result(params, Map.of(1, List.of(prepared), 3, List.of(published)));
    assertEquals(4, done.getLong("repaired_geometries"));
    assertEquals("geo.roads", done.getJsonObject("publish").getString("table"));
  }
}
