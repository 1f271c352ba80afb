package io.geomachine.core.job.raster;

import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * process_raster's automatic choice between one COG and tiles. The gateway cannot see blob sizes,
 * so the first task decides: a source up to the worker's single-file limit ({@code
 * geomachine.worker.raster.single-max-bytes}) is validated as usual ({@code mode: single}); a
 * larger one gets process_large_raster's tiling scheme instead ({@code mode: tiled}), read where it
 * lies. The next planners follow that mode: one COG task or one task per tile, one item or one per
 * tile, and a closing MosaicJSON stage that plans nothing for a single COG (an empty stage
 * completes at once).
 */
public final class RasterRouting {
  /** Validates a source, or computes its tiling scheme when it is above the single-file limit. */
  public static final String VALIDATE_TASK = "raster_validate_or_tile";

  /** Writes the COG of a whole source, or of one tile of it. */
  public static final String COG_TASK = "raster_cog_or_tile";

  public static final String MODE = "mode";
  public static final String SINGLE = "single";
  public static final String TILED = "tiled";

  private RasterRouting() {}

  /** validate or tile → COG(s) → item(s) → MosaicJSON (tiled only). */
  public static List<StageDefinition> processRasterStages() {
    return List.of(
        StageDefinition.single("validate", VALIDATE_TASK, TaskQueue.RASTER, RasterRouting::route),
        StageDefinition.fanOut("create_cog", COG_TASK, TaskQueue.RASTER, RasterRouting::cogs),
        StageDefinition.fanOut(
            "stac_item", RasterTasks.STAC_ITEM, TaskQueue.RASTER, RasterRouting::items),
        MosaicStages.fanInWith(
            "mosaicjson",
            MosaicStages.FINISH_TASK,
            ProcessLargeRasterJob::outputNames,
            ctx -> tiled(ctx.previousResults())));
  }

  private static List<TaskSpec> route(StageContext ctx) {
    JsonObject p =
        ctx.jobParameters()
            .copy()
            .put("tile_size", 0)
            .put("overlap", 0)
            .mergeIn(ProcessLargeRasterJob.outputNames(ctx));
    return List.of(new TaskSpec("0", p));
  }

  private static List<TaskSpec> cogs(StageContext ctx) {
    JsonObject first = only(ctx);
    if (TILED.equals(first.getString(MODE))) {
      return ProcessLargeRasterJob.tileSpecs(ctx, first);
    }
    return List.of(
        new TaskSpec("0", ctx.jobParameters().copy().put(RasterTasks.VALIDATION, first)));
  }

  private static List<TaskSpec> items(StageContext ctx) {
    if (tiled(ctx.previousResults())) {
      return MosaicStages.items(
              ProcessLargeRasterJob::outputNames,
              (collection, cog) -> cog.getString(RasterParameters.ITEM_ID))
          .planner()
          .plan(ctx);
    }
    return List.of(new TaskSpec("0", ctx.jobParameters().copy().put(RasterTasks.COG, only(ctx))));
  }

  /** Whether the previous stage's tasks were tiles (named {@code tile_{row}_{col}}). */
  static boolean tiled(List<TaskResult> previous) {
    return previous.stream().anyMatch(r -> r.taskIndex().startsWith("tile_"));
  }

  private static JsonObject only(StageContext ctx) {
    return ctx.previousResults().stream()
        .filter(r -> "0".equals(r.taskIndex()))
        .findFirst()
        .map(TaskResult::result)
        .orElseThrow(
            () -> new IllegalStateException("stage " + (ctx.stage() - 1) + " has no result"));
  }

  /** What a tiled process_raster adds to its result: the mode, the grid and the mosaic. */
  public static JsonObject tiledResult(Map<Integer, List<TaskResult>> byStage) {
    List<TaskResult> scheme = byStage.getOrDefault(1, List.of());
    if (scheme.isEmpty() || !TILED.equals(scheme.get(0).result().getString(MODE))) {
      return new JsonObject().put(MODE, SINGLE);
    }
    return MosaicStages.result(byStage, 3)
        .put(MODE, TILED)
        .put("grid", scheme.get(0).result().getJsonObject("grid"))
        .put("tile_count", byStage.getOrDefault(2, List.of()).size());
  }
}
