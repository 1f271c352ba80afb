package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One large raster → a tiling scheme → one COG per tile (fan-out) → a MosaicJSON over the tiles → a
 * STAC collection with one item per tile. Every tile task reads only its window of the source, so
 * memory and temporary disk per task are bounded by the tile size, whatever the input size.
 */
public final class ProcessLargeRasterJob implements JobDefinition {
  public static final String TYPE = "process_large_raster";
  public static final String SCHEME_TASK = "raster_tiling_scheme";
  public static final String TILE_TASK = "raster_tile_cog";

  private final ParameterSchema parameters =
      RasterJobParameters.mosaicJob(RasterParameters.source(ParameterSchema.builder()))
          .integer("tile_size")
          .min(0)
          .max(TileGrid.MAX_TILE)
          .def(0)
          .doc("tile side in pixels; 0 chooses it from the size, bands and data type")
          .add()
          .integer("overlap")
          .min(0)
          .max(1024)
          .def(0)
          .doc("pixels each tile extends into its neighbours")
          .add()
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public List<String> aliases() {
    return List.of("process_large_raster_v2");
  }

  @Override
  public String description() {
    return "Tiles a large raster into COGs (one task per tile), a MosaicJSON and a STAC collection"
        + " with one item per tile.";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single(
            "tiling_scheme", SCHEME_TASK, TaskQueue.RASTER, ProcessLargeRasterJob::scheme),
        StageDefinition.fanOut("tiles", TILE_TASK, TaskQueue.RASTER, ProcessLargeRasterJob::tiles),
        MosaicStages.items(
            ProcessLargeRasterJob::outputNames,
            (collection, cog) -> cog.getString(RasterParameters.ITEM_ID)),
        MosaicStages.finish(ProcessLargeRasterJob::outputNames));
  }

  /** Where this job's outputs go and what its collection is called. */
  static JsonObject outputNames(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    String stem = RasterJobParameters.slug(RasterJobParameters.stem(p.getString("blob_name")));
    String folder =
        RasterJobParameters.orDefault(p, RasterParameters.OUTPUT_FOLDER, stem)
            .replaceAll("^/+|/+$", "");
    return new JsonObject()
        .put("output_prefix", folder + "/" + RasterJobParameters.jobFolder(ctx.jobId()) + "/")
        .put(
            RasterParameters.COLLECTION_ID,
            RasterJobParameters.orDefault(p, RasterParameters.COLLECTION_ID, stem + "-tiles"));
  }

  private static List<TaskSpec> scheme(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    JsonObject params =
        RasterJobParameters.taskParams(p)
            .put(RasterParameters.BLOB_NAME, p.getString(RasterParameters.BLOB_NAME))
            .put("tile_size", p.getInteger("tile_size"))
            .put("overlap", p.getInteger("overlap"))
            .mergeIn(outputNames(ctx));
    return List.of(new TaskSpec("0", params));
  }

  /** One task per tile of the scheme stage 1 computed, named {@code tile_{row}_{col}}. */
  private static List<TaskSpec> tiles(StageContext ctx) {
    return tileSpecs(ctx, ctx.previousResults().get(0).result());
  }

  /** The tile tasks of a tiling scheme (also process_raster's, for a source above its limit). */
  static List<TaskSpec> tileSpecs(StageContext ctx, JsonObject scheme) {
    TileGrid grid = TileGrid.fromJson(scheme.getJsonObject("grid"));
    JsonObject names = outputNames(ctx);
    String collection = names.getString(RasterParameters.COLLECTION_ID);
    JsonObject shared =
        RasterJobParameters.taskParams(ctx.jobParameters())
            .put(RasterParameters.BLOB_NAME, ctx.jobParameters().getString("blob_name"))
            .put("scheme", scheme);
    List<TaskSpec> specs = new ArrayList<>(grid.tileCount());
    for (TileGrid.Window w : grid.windows()) {
      specs.add(
          new TaskSpec(
              w.name(),
              shared
                  .copy()
                  .put("window", w.toJson())
                  .put("cog_blob", names.getString("output_prefix") + w.name() + ".tif")
                  .put(RasterParameters.ITEM_ID, collection + "-" + w.name())));
    }
    return specs;
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonObject out = MosaicStages.result(byStage, 3);
    List<TaskResult> scheme = byStage.getOrDefault(1, List.of());
    if (!scheme.isEmpty()) {
      out.put("grid", scheme.get(0).result().getJsonObject("grid"));
      out.put("scheme_blob", scheme.get(0).result().getString("scheme_blob"));
      out.put("read_mode", scheme.get(0).result().getString("read_mode"));
    }
    out.put("tile_count", byStage.getOrDefault(2, List.of()).size());
    return out;
  }
}
