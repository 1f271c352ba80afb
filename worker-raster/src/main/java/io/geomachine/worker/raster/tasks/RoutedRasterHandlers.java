package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.RasterParameters;
import io.geomachine.core.job.raster.RasterRouting;
import io.geomachine.core.job.raster.RasterTasks;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonObject;

/**
 * process_raster's automatic choice (see {@link RasterRouting}): the first task validates a source
 * up to the single-file limit as validate_raster does, and computes a tiling scheme for a larger
 * one; the COG task writes the whole source's COG or one tile's, by what it was planned for.
 */
public final class RoutedRasterHandlers {
  private RoutedRasterHandlers() {}

  /** Stage 1: validation ({@code mode: single}) or tiling scheme ({@code mode: tiled}). */
  public static final class Validate implements TaskHandler {
    private final TilingContext ctx;
    private final ValidateRasterHandler single;
    private final TilingSchemeHandler tiled;

    public Validate(TilingContext ctx) {
      this.ctx = ctx;
      this.single = new ValidateRasterHandler(ctx);
      this.tiled = new TilingSchemeHandler(ctx);
    }

    @Override
    public String taskType() {
      return RasterRouting.VALIDATE_TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws Exception {
      JsonObject p = input.parameters();
      BlobEntry entry =
          ctx.source()
              .require(
                  p.getString(RasterParameters.CONTAINER_NAME),
                  p.getString(RasterParameters.BLOB_NAME));
      if (entry.size() <= ctx.raster().singleMaxBytes()) {
        return single
            .handle(with(input, p.copy().put(RasterTasks.ENFORCE_SINGLE_LIMIT, false)))
            .put(RasterRouting.MODE, RasterRouting.SINGLE);
      }
      return tiled.handle(input).put(RasterRouting.MODE, RasterRouting.TILED);
    }
  }

  /** Stage 2: the COG of the whole source, or of the tile the task names. */
  public static final class Cog implements TaskHandler {
    private final CreateCogHandler single;
    private final TileCogHandler tile;

    public Cog(TilingContext ctx) {
      this.single = new CreateCogHandler(ctx.raster());
      this.tile = new TileCogHandler(ctx);
    }

    @Override
    public String taskType() {
      return RasterRouting.COG_TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws Exception {
      return input.parameters().containsKey("window") ? tile.handle(input) : single.handle(input);
    }
  }

  private static TaskInput with(TaskInput in, JsonObject params) {
    return new TaskInput(in.taskId(), in.jobId(), in.jobType(), in.stage(), in.taskIndex(), params);
  }
}
