package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many rasters → one validation task per blob (fan-out) → one COG per validated blob (fan-out) → a
 * MosaicJSON over the COGs → a STAC collection with one item per COG. Each blob's tasks are named
 * by a key derived from the blob's name (never its position in {@code blob_list}), so the COG task
 * of a blob is paired with that blob's validation whatever the order of the list or of the results.
 */
public final class ProcessRasterCollectionJob implements JobDefinition {
  public static final String TYPE = "process_raster_collection";
  public static final int MAX_BLOBS = 10_000;

  private final ParameterSchema parameters =
      RasterJobParameters.mosaicJob(
              ParameterSchema.builder()
                  .string(RasterParameters.CONTAINER_NAME)
                  .required()
                  .pattern(RasterParameters.CONTAINER_PATTERN)
                  .doc("container of the source rasters (bronze)")
                  .add()
                  .stringList("blob_list")
                  .required()
                  .doc("the source rasters (1 to " + MAX_BLOBS + " blob names)")
                  .add())
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public List<String> aliases() {
    return List.of("process_raster_collection_v2");
  }

  @Override
  public String description() {
    return "Validates many rasters, makes a COG of each, a MosaicJSON over them and a STAC"
        + " collection with one item per COG.";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.fanOut(
            "validate",
            RasterTasks.VALIDATE,
            TaskQueue.RASTER,
            ProcessRasterCollectionJob::validations),
        StageDefinition.fanOut(
            "cogs", RasterTasks.CREATE_COG, TaskQueue.RASTER, ProcessRasterCollectionJob::cogs),
        MosaicStages.items(
            ProcessRasterCollectionJob::outputNames,
            (collection, cog) ->
                collection + "-" + outputName(cog.getString(RasterParameters.BLOB_NAME))),
        MosaicStages.finish(ProcessRasterCollectionJob::outputNames));
  }

  /**
   * The blobs by their task index: the blob name itself when it is a valid index, else a hash of
   * it. Refuses an empty list, a blob named twice and two blobs whose outputs would collide.
   */
  static Map<String, String> blobsByIndex(JsonObject params) {
    JsonArray list = params.getJsonArray("blob_list");
    if (list.isEmpty() || list.size() > MAX_BLOBS) {
      throw new IllegalArgumentException(
          "blob_list must name 1 to " + MAX_BLOBS + " blobs (got " + list.size() + ")");
    }
    Map<String, String> byIndex = new LinkedHashMap<>();
    Map<String, String> byOutput = new HashMap<>();
    for (Object o : list) {
      String blob = (String) o;
      if (byIndex.put(TaskIds.indexFor(blob), blob) != null) {
        throw new IllegalArgumentException("blob_list names " + blob + " twice");
      }
      String other = byOutput.put(outputName(blob), blob);
      if (other != null) {
        throw new IllegalArgumentException(
            "blob_list: " + other + " and " + blob + " would get the same output name");
      }
    }
    return byIndex;
  }

  /** The output's base name for a blob: its path without extension, as a slug. */
  public static String outputName(String blob) {
    int slash = blob.lastIndexOf('/');
    String dir = slash < 0 ? "" : blob.substring(0, slash + 1);
    return RasterJobParameters.slug(dir + RasterJobParameters.stem(blob));
  }

  static JsonObject outputNames(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    String collection =
        RasterJobParameters.orDefault(
            p,
            "collection_id",
            RasterJobParameters.slug(p.getString("container_name"))
                + "-"
                + RasterJobParameters.jobFolder(ctx.jobId()));
    String folder = RasterJobParameters.orDefault(p, "output_folder", collection);
    return new JsonObject()
        .put("output_prefix", folder + "/" + RasterJobParameters.jobFolder(ctx.jobId()) + "/")
        .put("collection_id", collection);
  }

  /** One validation per blob; a blob above the single-file limit fails it (one task per COG). */
  private static List<TaskSpec> validations(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    List<TaskSpec> specs = new ArrayList<>();
    blobsByIndex(p)
        .forEach(
            (index, blob) ->
                specs.add(
                    new TaskSpec(
                        index,
                        RasterJobParameters.taskParams(p)
                            .put(RasterParameters.BLOB_NAME, blob)
                            .put(RasterTasks.ENFORCE_SINGLE_LIMIT, true))));
    return specs;
  }

  /**
   * One COG task per validated blob, under the same index as its validation and given that
   * validation's result (looked up by index, never by position).
   */
  private static List<TaskSpec> cogs(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    Map<String, String> blobs = blobsByIndex(p);
    String prefix = outputNames(ctx).getString("output_prefix");
    List<TaskSpec> specs = new ArrayList<>();
    for (TaskResult validated : ctx.previousResults()) {
      String blob = blobs.get(validated.taskIndex());
      if (blob == null || !blob.equals(validated.result().getString(RasterParameters.BLOB_NAME))) {
        throw new IllegalStateException(
            "validation " + validated.taskIndex() + " does not belong to a blob of blob_list");
      }
      int slash = blob.lastIndexOf('/');
      String folder = prefix + (slash < 0 ? "" : blob.substring(0, slash));
      specs.add(
          new TaskSpec(
              validated.taskIndex(),
              RasterJobParameters.taskParams(p)
                  .put(RasterParameters.BLOB_NAME, blob)
                  .put(RasterParameters.OUTPUT_FOLDER, folder.replaceAll("/+$", ""))
                  .put(RasterTasks.VALIDATION, validated.result())));
    }
    return specs;
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonObject out = MosaicStages.result(byStage, 3);
    JsonArray pairs = new JsonArray();
    for (TaskResult cog : byStage.getOrDefault(2, List.of())) {
      pairs.add(
          new JsonObject()
              .put("task_index", cog.taskIndex())
              .put("blob_name", cog.result().getString("blob_name"))
              .put("cog_blob", cog.result().getString("cog_blob")));
    }
    return out.put("cogs", pairs);
  }
}
