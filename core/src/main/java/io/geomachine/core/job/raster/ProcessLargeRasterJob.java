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
      RasterJobParameters.outputs(
              RasterJobParameters.cogOptions(
                  ParameterSchema.builder()
                      .string("container_name")
                      .required()
                      .pattern(RasterJobParameters.CONTAINER)
                      .doc("container of the source raster (bronze)")
                      .add()
                      .string("blob_name")
                      .required()
                      .pattern(RasterJobParameters.BLOB_NAME)
                      .doc("the source raster")
                      .add()
                      .integer("tile_size")
                      .min(0)
                      .max(32_768)
                      .def(0)
                      .doc("tile side in pixels; 0 chooses it from the size, bands and data type")
                      .add()
                      .integer("overlap")
                      .min(0)
                      .max(1024)
                      .def(0)
                      .doc("pixels each tile extends into its neighbours")
                      .add()))
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
        MosaicStages.mosaic(),
        MosaicStages.stac());
  }

  /** Where this job's outputs go and what its collection is called. */
  static JsonObject outputNames(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    String stem = RasterJobParameters.slug(RasterJobParameters.stem(p.getString("blob_name")));
    String folder = RasterJobParameters.orDefault(p, "output_folder", stem);
    return new JsonObject()
        .put("output_prefix", folder + "/" + RasterJobParameters.jobFolder(ctx.jobId()) + "/")
        .put("collection_id", RasterJobParameters.orDefault(p, "collection_id", stem + "-tiles"));
  }

  private static List<TaskSpec> scheme(StageContext ctx) {
    JsonObject p = ctx.jobParameters();
    JsonObject params =
        RasterJobParameters.cogParams(p)
            .put("container_name", p.getString("container_name"))
            .put("blob_name", p.getString("blob_name"))
            .put("tile_size", p.getInteger("tile_size"))
            .put("overlap", p.getInteger("overlap"))
            .mergeIn(outputNames(ctx));
    return List.of(new TaskSpec("0", params));
  }

  /** One task per tile of the scheme stage 1 computed, named {@code tile_{row}_{col}}. */
  private static List<TaskSpec> tiles(StageContext ctx) {
    JsonObject scheme = ctx.previousResults().get(0).result();
    TileGrid grid = TileGrid.fromJson(scheme.getJsonObject("grid"));
    JsonObject names = outputNames(ctx);
    JsonObject shared =
        RasterJobParameters.cogParams(ctx.jobParameters())
            .put("container_name", ctx.jobParameters().getString("container_name"))
            .put("blob_name", ctx.jobParameters().getString("blob_name"))
            .put("scheme", scheme.getJsonObject("output"))
            .put("source", scheme.getJsonObject("source"))
            .put("collection_id", names.getString("collection_id"));
    List<TaskSpec> specs = new ArrayList<>(grid.tileCount());
    for (TileGrid.Window w : grid.windows()) {
      specs.add(
          new TaskSpec(
              w.name(),
              shared
                  .copy()
                  .put("window", w.toJson())
                  .put("cog_blob", names.getString("output_prefix") + w.name() + ".tif")
                  .put("item_id", names.getString("collection_id") + "-" + w.name())));
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
    }
    out.put("tile_count", byStage.getOrDefault(2, List.of()).size());
    return out;
  }
}
